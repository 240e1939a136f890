/** The detail pane of someone else's program: verdicts from the driver's counters, or why none (fake port). */
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {type DriverXdpView, type InterfaceRow} from '../../source/model/monitor.js';
import {type XdpMode} from '../../source/model/xdp.js';
import {App} from '../../source/ui/App.js';
import {noColorTheme} from '../../source/ui/theme.js';
import {FakePort, makeRow} from '../helpers/fake-port.js';

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
	return app.lastFrame() ?? '';
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
	assert.match(frameOf(foreign('skb', undefined)), /generic \(skb\) mode: no driver counts its verdicts/);
});
