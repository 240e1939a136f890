/**
 * Rx per CPU (the c key), from our program's per-CPU slots: traffic sent by a sender pinned to
 * one CPU is processed on that CPU (veth hands a frame to the receiving side on the sending CPU),
 * so that CPU has all of it. Real kernel, a veth pair of the test's own, tmux.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const SENDER = fileURLToPath(new URL('../helpers/send-main.ts', import.meta.url));

test('c: a sender pinned to CPU 1 shows as all of the rx on CPU 1, none on CPU 0', async () => {
	const lab = new VethLab();
	const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf, '--interval', '0.5', '--mode', 'skb'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	let sender: ReturnType<typeof spawn> | undefined;
	try {
		await terminal.waitFor(new RegExp(`^> ${lab.localIf} `, 'm'));
		terminal.keys('Space');
		await terminal.waitFor(/attached xdptop_stats to .* in skb mode/);
		terminal.keys('c');
		await terminal.waitFor(/rx per CPU/);
		// Bounded: 8,000 frames at 2,500 a second, from a sender that taskset keeps on CPU 1.
		sender = spawn('taskset', ['-c', '1', process.execPath, '--import', 'tsx', SENDER, `/run/netns/${lab.peer}`, lab.peerIf, '8000'], {stdio: 'ignore'});
		const screen = await terminal.waitFor(/CPU1 +[0-9.]+k? +█+ +(9\d|100)\.\d %/, 10_000);
		assert.match(screen, /CPU0 +0 +·+ +0\.0 %/);
		terminal.keys('c');
		await terminal.waitFor(/protocols +pps +share/);
		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		terminal.close();
		if (sender && sender.exitCode === null && sender.signalCode === null) {
			const exited = once(sender, 'exit');
			sender.kill();
			await exited;
		}
		lab.remove();
	}
});
