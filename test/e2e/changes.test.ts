/**
 * The host changes under a running monitor (tmux, real kernel, namespaces of the test's own):
 * interfaces come, go and get renamed, someone else attaches and detaches a program. Each shows
 * within a tick or two, nothing crashes, and nothing of anyone else's is touched.
 */
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FOREIGN_OBJECT = fileURLToPath(new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url));

describe('a monitor that watches the host change', () => {
	let lab: VethLab;
	let terminal: TmuxTerminal;

	beforeEach(() => {
		lab = new VethLab();
		terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--interval', '0.2'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	});
	afterEach(() => {
		terminal.close();
		lab.remove();
	});

	test('created, renamed, deleted while attached and selected; foreign attach and detach', async () => {
		await terminal.waitFor(new RegExp(`${lab.localIf} +up`));

		lab.ip('link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1');
		await terminal.waitFor(/late0 +down/);

		lab.ip('link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp');
		await terminal.waitFor(new RegExp(`${lab.localIf} .*skb  foreign_pass \\(foreign\\)`));
		assert.match(terminal.screen().split('\n')[0]!, /XDP: 0 ours, 1 foreign/);
		lab.ip('link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'off');
		await terminal.waitFor(/XDP: 0 ours, 0 foreign/);

		// Select late0 (sorted by name: late0, late1, lo, xt...), attach ours, then rename it.
		terminal.keys('g');
		await terminal.waitFor(/^> late0/m);
		lab.ip('link', 'set', 'late0', 'up');
		lab.ip('link', 'set', 'late1', 'up');
		terminal.keys('Space');
		await terminal.waitFor(/attached xdptop_stats to late0 in drv mode/);
		lab.ip('link', 'set', 'late0', 'down');
		lab.ip('link', 'set', 'late0', 'name', 'renamed0');
		await terminal.waitFor(/renamed0 .*drv  xdptop_stats ●/);

		// Delete it while it is attached and selected. The selection follows the interface (by
		// ifindex) through its rename; no key here: g would select the first row, late1.
		await terminal.waitFor(/^> renamed0 .*drv  xdptop_stats ●/m);
		lab.ip('link', 'del', 'renamed0');
		const screen = await terminal.waitFor(/XDP: 0 ours, 0 foreign/);
		assert.doesNotMatch(screen, /renamed0/);
		assert.match(screen, /^> /m, 'another row is selected');
		terminal.keys('d');
		await terminal.waitFor(/xdptop has nothing attached to/);

		terminal.keys('q');
		const end = await terminal.waitFor(/EXIT=\d+/);
		assert.match(end, /EXIT=0/);
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('random keys (10,000, partial escape sequences among them) then q: no crash, nothing left attached', async () => {
		await terminal.waitFor(new RegExp(`${lab.localIf} +up`));
		// A seeded generator, so a failure can be replayed.
		let seed = 20_261_125;
		const random = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};
		const alphabet = ['j', 'k', 'g', 'G', ' ', 'm', 'd', 's', 'r', '/', 'x', 'Escape', 'Enter', '?', '+', '-', 'p', 'y', 'n', 'Up', 'Down', 'PageDown', 'PageUp', 'Home', 'End', 'BSpace', '\u001B[', '\u001B', '\u001BO', '5'];
		for (let batch = 0; batch < 100; batch++) {
			const keys = Array.from({length: 100}, () => alphabet[Math.floor(random() * alphabet.length)]!);
			terminal.keys(...keys);
		}
		terminal.keys('Escape', 'Escape');
		await new Promise(resolve => setTimeout(resolve, 500));
		// Whatever state the keys left (filter, help, a question), Esc / Enter / n then q ends it.
		terminal.keys('Escape');
		await new Promise(resolve => setTimeout(resolve, 200));
		terminal.keys('n', 'Escape');
		await new Promise(resolve => setTimeout(resolve, 200));
		terminal.keys('q');
		const end = await terminal.waitFor(/EXIT=\d+/, 15_000);
		assert.match(end, /EXIT=0/, 'quit cleanly');
		assert.equal(lab.ipLinkXdp(), undefined, 'no stray attachment');
	});
});
