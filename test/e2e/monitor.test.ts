/**
 * `xdptop` in a real terminal (tmux), on the real kernel, on a veth pair in namespaces this test
 * creates: what a person sees and what the kernel then has.
 */
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';
import {until} from '../helpers/wait.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
/** The same bundle with the render-fault hook (test/helpers/xdptop-test-main.tsx); dist/ has none. */
const TEST_CLI = fileURLToPath(new URL('../../build/xdptop-test.mjs', import.meta.url));

describe('the monitor in a terminal', () => {
	let lab: VethLab;
	let terminal: TmuxTerminal;

	beforeEach(() => {
		lab = new VethLab();
		terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	});
	afterEach(() => {
		terminal.close();
		lab.remove();
	});

	const row = () => terminal.screen().split('\n').find(line => line.startsWith(`> ${lab.localIf}`)) ?? '';

	test('space, m, m (hw refused), m, traffic, q: the screen and the kernel agree', async () => {
		await terminal.waitFor(new RegExp(`> ${lab.localIf} +up +veth +—`));
		assert.equal(terminal.format('#{alternate_on}'), '1', 'on the alternate screen');

		terminal.keys('Space');
		await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
		assert.match(row(), /drv  xdptop_stats ●/);
		assert.equal(lab.ipLinkXdp()?.mode, 1);

		terminal.keys('m');
		await terminal.waitFor(/attached xdptop_stats to .* in skb mode/);
		assert.match(row(), /skb  xdptop_stats ●/);
		assert.equal(lab.ipLinkXdp()?.mode, 2);

		terminal.keys('m');
		await terminal.waitFor(/error: hardware offload is not supported by driver veth/);
		assert.match(row(), /skb  xdptop_stats ●/, 'still skb');
		assert.equal(lab.ipLinkXdp()?.mode, 2);

		terminal.keys('m');
		await terminal.waitFor(/detached xdptop_stats from/);
		assert.equal(lab.ipLinkXdp(), undefined);

		terminal.keys('Space');
		await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
		// Bounded traffic from the peer namespace: 6 bursts of 2,000 frames, 250 ms apart.
		for (let burst = 0; burst < 6; burst++) {
			lab.send(2000);
			await sleep(250);
		}
		const pps = Number(/xdptop_stats ● +([\d.]+)k/.exec(row())?.[1]);
		assert.ok(pps > 0, `non-zero pps on the row: ${row()}`);
		assert.match(terminal.screen(), /actions +pps +share/);
		assert.match(terminal.screen(), /IPv4 UDP/);

		terminal.keys('q');
		const screen = await terminal.waitFor(/EXIT=0/);
		assert.match(screen, new RegExp(`xdptop: detached xdptop_stats from ${lab.localIf}`));
		assert.equal(lab.ipLinkXdp(), undefined, 'nothing left attached');
		assert.equal(terminal.format('#{alternate_on}'), '0', 'back on the normal screen');
		assert.equal(terminal.format('#{cursor_flag}'), '1', 'cursor visible');
	});

	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		test(`${signal} while attached: detached, terminal restored`, async () => {
			await terminal.waitFor(new RegExp(`> ${lab.localIf}`));
			terminal.keys('Space');
			await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
			process.kill(terminal.programPid(), signal);
			await terminal.waitFor(/EXIT=/);
			assert.equal(lab.ipLinkXdp(), undefined);
			assert.equal(terminal.format('#{alternate_on}'), '0');
		});
	}

	test('SIGKILL while attached leaves no XDP program', async () => {
		await terminal.waitFor(new RegExp(`> ${lab.localIf}`));
		terminal.keys('Space');
		await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
		assert.equal(lab.ipLinkXdp()?.mode, 1);
		process.kill(terminal.programPid(), 'SIGKILL');
		await until(() => lab.ipLinkXdp() === undefined, 'the kernel to drop the link');
	});

	test('a narrower terminal, then a wider one: every line is drawn again from the top, whole', async () => {
		await terminal.waitFor(new RegExp(`> ${lab.localIf} +up`));
		for (const columns of [119, 90, 120]) {
			terminal.resize(columns, 40);
			// Two ticks: lines that changed are written cell by cell again after the first.
			await sleep(2500);
			const lines = terminal.screen().split('\n');
			assert.match(lines[0]!, /^xdptop {2}host /, `${columns} columns: the header\n${lines.join('\n')}`);
			assert.match(lines[1]!, /^ {2}IFACE +STATE/, `${columns} columns: the table's header`);
			assert.match(row(), /^> \S+ +up +/, `${columns} columns: the selected row\n${lines.join('\n')}`);
			assert.ok(lines.every(line => line.length <= columns), `${columns} columns: nothing wider`);
		}
	});
});

describe('a crash in the render path', () => {
	test('detaches what it attached, restores the terminal, says why in one line, exit 1', async () => {
		const lab = new VethLab();
		const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, TEST_CLI, '-i', lab.localIf], {columns: 120, rows: 40}, {
			LANG: 'C.UTF-8',
			XDPTOP_FAULT_RENDER_AFTER_MS: '2500',
		});
		try {
			await terminal.waitFor(new RegExp(`> ${lab.localIf}`));
			terminal.keys('Space');
			await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
			assert.equal(lab.ipLinkXdp()?.mode, 1);
			const screen = await terminal.waitFor(/EXIT=\d+/);
			assert.match(screen, /EXIT=1/);
			assert.match(screen, /xdptop: injected render fault/);
			assert.match(screen, new RegExp(`xdptop: detached xdptop_stats from ${lab.localIf}`));
			assert.equal(lab.ipLinkXdp(), undefined);
			assert.equal(terminal.format('#{alternate_on}'), '0');
			assert.equal(terminal.format('#{cursor_flag}'), '1');
		} finally {
			terminal.close();
			lab.remove();
		}
	});
});

describe('signals and a render crash with drv and skb attached on two interfaces', () => {
	const endings: Array<{name: string; end: (terminal: TmuxTerminal) => void; cli: string; env: Record<string, string>}> = [
		{name: 'SIGTERM', end: (terminal: TmuxTerminal) => process.kill(terminal.programPid(), 'SIGTERM'), cli: CLI, env: {}},
		{name: 'SIGHUP', end: (terminal: TmuxTerminal) => process.kill(terminal.programPid(), 'SIGHUP'), cli: CLI, env: {}},
		{name: 'a render crash', end: () => undefined, cli: TEST_CLI, env: {XDPTOP_FAULT_RENDER_AFTER_MS: '6000'}},
	];
	for (const {name, end, cli, env} of endings) {
		test(`${name}: nothing of ours left on either, terminal restored`, async () => {
			const lab = new VethLab();
			lab.ip('link', 'add', 'extra0', 'type', 'veth', 'peer', 'name', 'extra1');
			lab.ip('link', 'set', 'extra0', 'up');
			lab.ip('link', 'set', 'extra1', 'up');
			const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, cli], {columns: 120, rows: 40}, {LANG: 'C.UTF-8', ...env});
			try {
				// Sorted by name: extra0, extra1, lo, then the lab's interface.
				await terminal.waitFor(/^> extra0/m);
				terminal.keys('m');
				await terminal.waitFor(/attached xdptop_stats to extra0 in drv mode/);
				terminal.keys('m');
				await terminal.waitFor(/attached xdptop_stats to extra0 in skb mode/);
				terminal.keys('G');
				await terminal.waitFor(new RegExp(`^> ${lab.localIf}`, 'm'));
				terminal.keys('Space');
				await terminal.waitFor(/attached xdptop_stats to .* in drv mode/);
				assert.equal(lab.ipLinkXdp('extra0')?.mode, 2);
				assert.equal(lab.ipLinkXdp()?.mode, 1);
				end(terminal);
				await terminal.waitFor(/EXIT=\d+/);
				assert.equal(lab.ipLinkXdp(), undefined);
				assert.equal(lab.ipLinkXdp('extra0'), undefined);
				assert.equal(terminal.format('#{alternate_on}'), '0');
				assert.equal(terminal.format('#{cursor_flag}'), '1');
			} finally {
				terminal.close();
				lab.remove();
			}
		});
	}
});
