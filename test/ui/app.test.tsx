/** The monitor's screen and keys, against a fake kernel port (see test/helpers/fake-port.ts). */
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterEach, describe, test} from 'node:test';
import {render, cleanup} from 'ink-testing-library';
import stringWidth from 'string-width';
import {type InterfaceRow} from '../../source/model/monitor.js';
import {App} from '../../source/ui/App.js';
import {KEY_BINDINGS} from '../../source/ui/keys.js';
import {noColorTheme} from '../../source/ui/theme.js';
import {FakePort, makeRow, oursAttachment} from '../helpers/fake-port.js';
import {withoutStyles} from '../helpers/styles.js';

const DOWN = '\u001B[B';
const UP = '\u001B[A';
const ESC = '\u001B';

function mount(rows: readonly InterfaceRow[], size?: {columns: number; rows: number}) {
	const port = new FakePort(rows);
	// The size is set before the App first renders: it reads it then, and subscribes to 'resize'
	// only in an effect, so a resize emitted right after render() could come before anyone listens.
	const app = render(<></>);
	if (size) {
		Object.defineProperty(app.stdout, 'columns', {value: size.columns, configurable: true});
		Object.defineProperty(app.stdout, 'rows', {value: size.rows, configurable: true});
	}
	app.rerender(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={noColorTheme} />);
	const frame = () => withoutStyles(app.lastFrame());
	/** Until no new frame has come for 60 ms (Ink throttles frames to 30 a second), 2 s at most. */
	const settle = async () => {
		const deadline = Date.now() + 2000;
		let seen = -1;
		while (seen !== app.frames.length && Date.now() < deadline) {
			seen = app.frames.length;
			await sleep(60);
		}
	};
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			app.stdin.write(key);
			await settle();
		}
		await settle();
	};
	/** The table row of an interface, by name. */
	const line = (name: string) => frame().split('\n').find(text => text.slice(2).startsWith(`${name} `)) ?? '';
	const selectedName = () => frame().split('\n').find(text => text.startsWith('> '))?.slice(2).split(/\s+/)[0];
	return {port, app, frame, press, line, selectedName};
}

const threeRows = () => [makeRow('veth1', 3), makeRow('eth0', 2, {driver: 'virtio_net'}), makeRow('lo', 1, {driver: 'loopback', state: 'unknown'})];

afterEach(() => cleanup());

describe('screen', () => {
	test('header, titles, rows sorted by name, first row selected, its detail below', async () => {
		const {frame, selectedName, press} = mount(threeRows(), {columns: 120, rows: 40});
		await press();
		const text = frame();
		assert.match(text.split('\n')[0]!, /^xdptop  host testhost  linux 6\.18\.0  2 CPUs  every 1\.0s  14:02:31 .*XDP: 0 ours, 0 foreign/);
		assert.match(text, /IFACE +STATE +DRIVER +XDP +RX pps +RX bit\/s +XDROP\/s +ERR\/s +DROP\/s +HISTORY/);
		const names = text.split('\n').filter(line => /^[> ] \S/.test(line) && !line.includes('IFACE')).map(line => line.slice(2).split(/\s+/)[0]);
		assert.deepEqual(names.slice(0, 3), ['eth0', 'lo', 'veth1']);
		assert.equal(selectedName(), 'eth0');
		assert.match(text, /^eth0 · stack drops 0\/s · no XDP program/m);
	});

	test('rates in SI units; … before the first interval; — when unknown', async () => {
		const {line, port, press} = mount([makeRow('eth0', 2), makeRow('cold0', 4, {warm: false}), makeRow('odd0', 5, {rxPps: undefined, rxBps: undefined, xdpDropPps: undefined, stackDropPps: undefined})]);
		await press();
		assert.match(line('eth0'), /2\.00k +16\.0M +0 /);
		assert.match(line('cold0'), /… +… +… /);
		assert.match(line('odd0'), /— +— +— /);
		port.update(rows => rows.map(row => (row.name === 'cold0' ? {...row, warm: true} : row)));
		await press();
		assert.match(line('cold0'), /4\.00k +32\.0M/);
	});

	test('the frame is at most rows - 1 lines, at 100x24 and at 80x24', async () => {
		for (const columns of [100, 80]) {
			const {frame, press} = mount(threeRows(), {columns, rows: 24});
			await press();
			const lines = frame().split('\n');
			assert.ok(lines.length <= 23, `${lines.length} lines at ${columns}x24`);
			assert.ok(lines.every(text => [...text].length <= columns), `no line wider than ${columns}`);
			cleanup();
		}
	});

	test('every row on a line of its own, no wider than the terminal, at every width from 60 to 240', async () => {
		const rows = [
			makeRow('日本語名前', 4),
			makeRow('abcdefghijklmno', 5, {xdp: {attachMode: 'drv', attachments: [oursAttachment('drv')]}}),
			...threeRows(),
		];
		for (let columns = 60; columns <= 240; columns += 9) {
			const {frame, press} = mount(rows, {columns, rows: 24});
			await press();
			const lines = frame().split('\n');
			assert.ok(lines.every(text => stringWidth(text) <= columns), `no line wider than ${columns}:\n${frame()}`);
			const tableRows = lines.filter(text => /^[> ] \S/.test(text) && !text.includes('IFACE'));
			assert.equal(tableRows.length, rows.length, `one line per row at ${columns}:\n${frame()}`);
			cleanup();
		}
	});

	test('the selected row is in inverse video without colours too (NO_COLOR, --no-color), and no other row is', async () => {
		const {app, press} = mount(threeRows(), {columns: 100, rows: 24});
		await press(DOWN);
		const rows = (app.lastFrame() ?? '').split('\n').filter(text => /^(\u001B\[7m)?[> ] \S/.test(text) && !text.includes('IFACE'));
		assert.deepEqual(
			rows.map(text => text.startsWith('\u001B[7m> ') && text.endsWith('\u001B[27m')),
			[false, true, false],
		);
	});

	test('below the minimum size: one line that says how large it must be', async () => {
		const {frame, press} = mount(threeRows(), {columns: 50, rows: 20});
		await press();
		assert.equal(frame(), 'terminal too small: needs 60×12, is 50×20');
	});

	test('interface names are escaped, never sent raw, and the columns stay aligned', async () => {
		const {frame, press} = mount([makeRow('x\u001B[31m', 7), makeRow('bell\u0007', 8), makeRow('ünï', 9), makeRow('abcdefghijklmno', 10), makeRow('\u0007'.repeat(15), 11)]);
		await press();
		const rows = frame().split('\n').filter(line => /^[> ] \S/.test(line) && !line.includes('IFACE'));
		assert.equal(rows.length, 5);
		assert.equal(new Set(rows.map(line => line.indexOf(' up '))).size, 1, `state column aligned:\n${rows.join('\n')}`);
		assert.ok(frame().includes('x\\x1b[31m'));
		assert.ok(frame().includes('bell\\x07'));
		assert.ok(!frame().includes('\u001B[31m'));
		assert.ok(!frame().includes('\u0007'));
	});

	test('ours is marked ●, foreign programs are named as foreign', async () => {
		const foreign = {mode: 'skb' as const, progId: 9, progName: 'cilium_xdp', tag: '', ours: false, via: 'netlink' as const};
		const {line, press, frame} = mount([
			makeRow('a0', 1, {xdp: {attachMode: 'drv', attachments: [oursAttachment('drv')]}, source: 'xdp'}),
			makeRow('b0', 2, {xdp: {attachMode: 'skb', attachments: [foreign]}}),
		], {columns: 120, rows: 30});
		await press();
		assert.match(line('a0'), /drv  xdptop_stats ●/);
		assert.match(line('b0'), /skb  cilium_xdp \(foreign\)/);
		assert.match(frame().split('\n')[0]!, /XDP: 1 ours, 1 foreign/);
		cleanup();
		const narrow = mount([makeRow('b0', 2, {xdp: {attachMode: 'skb', attachments: [foreign]}})], {columns: 80, rows: 24});
		await narrow.press();
		assert.match(narrow.line('b0'), /skb  cilium_xdp ○/, 'a shorter marker where room is short');
	});

	test('2,000 interfaces: only the visible rows are rendered, and End reaches the last', async () => {
		const rows = Array.from({length: 2000}, (_, index) => makeRow(`if${String(index).padStart(4, '0')}`, index + 1));
		const {frame, press, selectedName} = mount(rows, {columns: 100, rows: 30});
		await press();
		const tableLines = frame().split('\n').filter(text => /^[> ] if\d{4}/.test(text));
		assert.ok(tableLines.length > 5 && tableLines.length < 30, `${tableLines.length} rows drawn`);
		await press('G');
		assert.equal(selectedName(), 'if1999');
		await press('g');
		assert.equal(selectedName(), 'if0000');
		await press('\u001B[6~');
		assert.equal(selectedName(), `if${String(tableLines.length).padStart(4, '0')}`);
	});
});

describe('keys', () => {
	test('↓/j and ↑/k move the selection; g/G jump', async () => {
		const {press, selectedName} = mount(threeRows());
		await press(DOWN);
		assert.equal(selectedName(), 'lo');
		await press('j');
		assert.equal(selectedName(), 'veth1');
		await press('j');
		assert.equal(selectedName(), 'veth1', 'stops at the last row');
		await press(UP, 'k');
		assert.equal(selectedName(), 'eth0');
		await press('G');
		assert.equal(selectedName(), 'veth1');
		await press('g');
		assert.equal(selectedName(), 'eth0');
	});

	test('keys typed faster than a frame arrive as one chunk and all count', async () => {
		const {press, selectedName} = mount(threeRows());
		await press('jj');
		assert.equal(selectedName(), 'veth1');
	});

	test('s cycles the sort (name, pps, bit/s, XDP first) and r reverses it', async () => {
		const rows = [
			makeRow('a0', 1, {rxPps: 10, rxBps: 9000}),
			makeRow('b0', 2, {rxPps: 30, rxBps: 100}),
			makeRow('c0', 3, {rxPps: 20, rxBps: 5000, xdp: {attachMode: 'skb', attachments: [oursAttachment('skb')]}}),
		];
		const {press, frame} = mount(rows);
		const order = () => frame().split('\n').filter(line => /^[> ] [abc]0 /.test(line)).map(line => line.slice(2, 4));
		await press();
		assert.deepEqual(order(), ['a0', 'b0', 'c0']);
		await press('s');
		assert.deepEqual(order(), ['b0', 'c0', 'a0'], 'rx pps, highest first');
		assert.match(frame(), /sorted by pps/);
		await press('s');
		assert.deepEqual(order(), ['a0', 'c0', 'b0'], 'rx bit/s');
		await press('s');
		assert.deepEqual(order(), ['c0', 'a0', 'b0'], 'XDP first');
		await press('r');
		assert.deepEqual(order(), ['b0', 'a0', 'c0']);
	});

	test('/ filters live by name; Enter keeps it, Esc clears it', async () => {
		const {press, frame, line} = mount(threeRows());
		await press('/', 'v', 'e');
		assert.match(frame(), /\/ filter: ve/);
		assert.equal(line('eth0'), '');
		assert.notEqual(line('veth1'), '');
		await press('\r');
		assert.equal(line('eth0'), '', 'kept after Enter');
		assert.doesNotMatch(frame(), /\/ filter:/);
		await press('/', 'zzz');
		assert.match(frame(), /no interface matches the filter/);
		await press(ESC);
		await sleep(60); // Ink waits briefly to tell a lone Esc from an escape sequence.
		assert.notEqual(line('eth0'), '', 'cleared by Esc');
	});

	test('a name, Enter and Space in one chunk (fast typing over SSH): the filter is kept, and Space attaches', async () => {
		const {press, port, frame, line} = mount(threeRows());
		await press('/', 'eth0\r ');
		assert.doesNotMatch(frame(), /\/ filter:/, 'Enter in the chunk kept the filter');
		assert.equal(line('veth1'), '');
		assert.deepEqual(port.calls, [{ifindex: 2, target: 'drv'}], 'the space after Enter acted on the table');
	});

	test('space attaches in the default mode and detaches again', async () => {
		const {press, port, line, frame} = mount(threeRows());
		await press(' ');
		assert.deepEqual(port.calls, [{ifindex: 2, target: 'drv'}]);
		assert.match(line('eth0'), /drv  xdptop_stats ●/);
		assert.match(frame(), /attached xdptop_stats to eth0 in drv mode/);
		await press(' ');
		assert.deepEqual(port.calls.at(-1), {ifindex: 2, target: 'off'});
		assert.doesNotMatch(line('eth0'), /xdptop_stats/);
	});

	test('m cycles drv → skb → hw → off; a refused hw says why, keeps skb, and the next m goes on to off', async () => {
		const {press, port, line, frame} = mount(threeRows());
		await press('m');
		assert.match(line('eth0'), /drv  xdptop_stats/);
		await press('m');
		assert.match(line('eth0'), /skb  xdptop_stats/);
		await press('m');
		assert.match(frame(), /error: hardware offload is not supported by driver veth on veth0; use drv or skb mode/);
		assert.match(line('eth0'), /skb  xdptop_stats/, 'still skb');
		await press('m');
		assert.deepEqual(port.calls.map(call => call.target), ['drv', 'skb', 'hw', 'off']);
		assert.doesNotMatch(line('eth0'), /xdptop_stats/);
	});

	test('d detaches ours, and says so when there is nothing to detach', async () => {
		const {press, port, frame} = mount(threeRows());
		await press('d');
		assert.match(frame(), /xdptop has nothing attached to eth0/);
		assert.equal(port.calls.length, 0);
		await press(' ', 'd');
		assert.deepEqual(port.calls.map(call => call.target), ['drv', 'off']);
	});

	test('on the interface that carries the SSH session, drv asks first (y/N)', async () => {
		const {press, port, frame} = mount([makeRow('eth0', 2, {carriesSsh: true})]);
		await press(' ');
		assert.match(frame(), /eth0 carries your SSH session; native \(drv\) attach may reset the link briefly\. Attach\? y\/N/);
		assert.equal(port.calls.length, 0);
		await press('n');
		assert.match(frame(), /not attached/);
		assert.equal(port.calls.length, 0);
		await press(' ', 'y');
		assert.deepEqual(port.calls, [{ifindex: 2, target: 'drv'}]);
	});

	test('skb on the SSH interface needs no confirmation', async () => {
		const {press, port} = mount([makeRow('eth0', 2, {carriesSsh: true})]);
		await press('m', 'y'); // drv asks; confirmed
		await press('m'); // drv -> skb: no question
		assert.deepEqual(port.calls.map(call => call.target), ['drv', 'skb']);
	});

	test('+/- change the interval, p pauses, S toggles BPF stats', async () => {
		const {press, port, frame} = mount(threeRows());
		await press('+');
		assert.equal(port.intervalSeconds, 2);
		assert.match(frame().split('\n')[0]!, /every 2\.0s/);
		await press('-', '-');
		assert.equal(port.intervalSeconds, 0.5);
		await press('p');
		assert.equal(port.paused, true);
		assert.match(frame().split('\n')[0]!, /PAUSED/);
		await press('p');
		assert.equal(port.paused, false);
		await press('S');
		assert.equal(port.bpfStats, true);
	});

	test('? shows every key from the binding table; any key closes it', async () => {
		const {press, frame} = mount(threeRows(), {columns: 100, rows: 30});
		await press('?');
		for (const binding of KEY_BINDINGS) {
			assert.ok(frame().includes(binding.description), binding.description);
		}
		await press('x');
		assert.doesNotMatch(frame(), /Keys \(any key closes this help\)/);
	});
});
