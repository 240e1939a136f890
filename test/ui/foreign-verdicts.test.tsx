/** The detail pane of someone else's program: verdicts from the driver's counters, or why none (fake port). */
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {type DriverXdpView, type InterfaceRow} from '../../source/model/monitor.js';
import {type XdpMode} from '../../source/model/xdp.js';
import {App} from '../../source/ui/App.js';
import {noColorTheme} from '../../source/ui/theme.js';
import {FakePort, makeRow} from '../helpers/fake-port.js';
import {withoutStyles} from '../helpers/styles.js';

afterEach(() => cleanup());

function foreign(mode: XdpMode, driverXdp: DriverXdpView | undefined): InterfaceRow {
	return makeRow('fw0', 2, {
		xdp: {attachMode: mode, attachments: [{mode, progId: 77, progName: 'ddos_filter', tag: '0123456789abcdef', ours: false, via: 'netlink'}]},
		driverXdp,
	});
}

function frameOf(row: InterfaceRow): string {
	const port = new FakePort([row]);
	const app = render(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={noColorTheme} />);
	Object.defineProperty(app.stdout, 'columns', {value: 120, configurable: true});
	Object.defineProperty(app.stdout, 'rows', {value: 30, configurable: true});
	app.stdout.emit('resize');
	return withoutStyles(app.lastFrame());
}

const VETH: DriverXdpView = {
	driver: 'veth',
	verdicts: [
		{label: 'ABORTED', pps: undefined},
		{label: 'DROP', pps: 700},
		{label: 'PASS', pps: 300},
		{label: 'TX', pps: 0},
		{label: 'REDIRECT', pps: 0},
	],
	notes: ['PASS = packets − drops − tx − redirect (veth has no pass counter)'],
	unavailable: undefined,
};

test('native, veth: the verdicts with their shares, busiest first, and where the numbers come from', () => {
	const frame = frameOf(foreign('drv', VETH));
	assert.match(frame, /DROP +700 +70\.0 %\s.*\n.*PASS +300 +30\.0 %/);
	assert.match(frame, /from veth's counters \(ethtool/);
	assert.match(frame, /PASS = packets − drops/);
	assert.match(frame, /not ours: xdptop never replac/);
});

test('a verdict the driver has no counter for is "—", never a 0, and comes last', () => {
	const frame = frameOf(foreign('drv', {...VETH, verdicts: [{label: 'ABORTED', pps: undefined}, {label: 'DROP', pps: 5}, {label: 'PASS', pps: undefined}]}));
	assert.match(frame, /DROP +5 +100\.0 %\s.*\n.*(ABORTED|PASS) +— .*\n.*(ABORTED|PASS) +— /);
});

test('before two samples, and while late: no verdict figures, never a 0', () => {
	const frame = frameOf(foreign('drv', {...VETH, verdicts: undefined}));
	assert.match(frame, /\(rates after one interval\)/);
	assert.doesNotMatch(frame, /DROP +0/);
});

test('a driver with no XDP counters says so; a generic-mode program says no driver counts it', () => {
	assert.match(frameOf(foreign('drv', {driver: 'ixgbe', verdicts: undefined, notes: [], unavailable: 'ixgbe has no XDP verdict counters in ethtool -S'})), /no XDP verdicts: ixgbe has no XDP verdict counters/);
	assert.match(frameOf(foreign('skb', undefined)), /no XDP verdicts: not in native mode, where no driver counts verdicts/);
});

test('c shows rx per CPU from our per-CPU slots, with each CPU\'s share; c again goes back', async () => {
	const row = makeRow('eth0', 2, {
		source: 'xdp',
		xdp: {attachMode: 'skb', attachments: [{mode: 'skb', progId: 400, progName: 'xdptop_stats', tag: '4c1563d32657389e', ours: true, via: 'link', linkId: 9}]},
		actions: [{label: 'PASS', pps: 1000}],
		protos: [{label: 'IPv4 UDP', pps: 1000}],
		perCpuPps: [0, 1000],
	});
	const port = new FakePort([row]);
	const app = render(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={noColorTheme} />);
	const settle = () => new Promise(resolve => setTimeout(resolve, 120));
	await settle();
	app.stdin.write('c');
	await settle();
	assert.match(withoutStyles(app.lastFrame()), /CPU0 +0 ·+ +0\.0 % +CPU1 +1\.00k █+ +100\.0 %|CPU0 +0 ·+ +0\.0 %[\s\S]*CPU1 +1\.00k █+ +100\.0 %/);
	app.stdin.write('c');
	await settle();
	assert.match(withoutStyles(app.lastFrame()), /IPv4 UDP +1\.00k/);
});

test('c without our program says what would give per-CPU counts', async () => {
	const port = new FakePort([makeRow('lo', 1)]);
	const app = render(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={noColorTheme} />);
	await new Promise(resolve => setTimeout(resolve, 120));
	app.stdin.write('c');
	await new Promise(resolve => setTimeout(resolve, 120));
	assert.match(withoutStyles(app.lastFrame()), /per-CPU counts come from xdptop's program: space attaches it/);
});

test('exceptions: ERR/s in the table, by action in the pane, with their source; only what failed is listed', () => {
	const frame = frameOf({
		...foreign('skb', undefined),
		errPps: 150,
		exceptions: {byAction: [{label: 'ABORTED', pps: 100}, {label: 'REDIRECT failed', pps: 50}], unavailable: undefined},
	});
	assert.match(frame, /XDROP\/s ERR\/s DROP\/s/);
	assert.match(frame, /^> fw0 .* skb +ddos_filter (\(foreign\)|○) +2\.00k +16\.0M +0 +150 +0 /m);
	assert.match(frame, /exceptions 150\/s \(xdp tracepoints\): ABORTED 100\/s, REDIRECT failed 50\/s/);
	assert.doesNotMatch(frame, /TX failed|invalid action/);
});

test('exceptions that cannot be counted: "—" in the table and why in the pane; before one interval, no 0', () => {
	const reason = 'no exception counts: this kernel has no BTF (/sys/kernel/btf/vmlinux), which the tracepoint programs need';
	const blind = frameOf({...foreign('drv', VETH), errPps: undefined, exceptions: {byAction: undefined, unavailable: reason}});
	assert.match(blind, /^> fw0 .* (\(foreign\)|○) +2\.00k +16\.0M +0 +— +0 /m);
	assert.match(blind, /no exception counts: this kernel has no BTF/);
	const early = frameOf({...foreign('drv', VETH), errPps: undefined, exceptions: {byAction: undefined, unavailable: undefined}});
	assert.match(early, /exceptions: after one interval/);
	assert.doesNotMatch(early, /exceptions 0/);
});

test("an older xdptop's --keep is named as such in the pane (a refused attach names --cleanup)", () => {
	const row = makeRow('kept0', 2, {
		xdp: {attachMode: 'skb', attachments: [{mode: 'skb', progId: 88, progName: 'xdptop_stats', tag: '6425015d81fb6e67', ours: false, olderXdptop: true, via: 'link', linkId: 5}]},
	});
	const frame = frameOf(row);
	assert.match(frame, /prog 88 xdptop_stats .*· an older xdptop's --keep, /);
	assert.doesNotMatch(frame, /· foreign,/);
});
