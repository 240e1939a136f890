/**
 * The parent of `xdptop --demo`: builds the lab, runs the monitor inside its receiving namespace
 * (in a child, so that only the monitor lives there), and removes the lab when the child ends.
 * The child removes it too, in case this process is killed outright: it finds the lab by proof,
 * not by anything passed to it (see demo/own-lab.ts).
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {startDemoLab} from '../demo/lab.js';
import {onCleanup, runCleanups} from '../lifecycle.js';
import {selfCommand} from '../self-command.js';
import {programPath} from '../system-programs.js';
import {type Command} from '../options.js';
import {UsageError} from '../options.js';

export async function runDemo(command: Extract<Command, {kind: 'monitor'}>): Promise<number> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UsageError('the monitor needs a terminal; for scripts use xdptop list or xdptop --once --json');
	}
	const nsenter = programPath('nsenter'); // Missing: say so before the lab is built.
	const lab = startDemoLab();
	onCleanup(() => lab.remove());
	const args = [
		`--net=/run/netns/${lab.local}`,
		...selfCommand(),
		'--interval',
		String(command.intervalSeconds),
		'--mode',
		command.mode,
		...(command.color ? [] : ['--no-color']),
		...(command.ascii ? ['--ascii'] : []),
	];
	// nsenter execs the monitor in place: its parent is this process, as own-lab.ts requires.
	const child = spawn(nsenter, args, {stdio: 'inherit'});
	// The terminal sends Ctrl-C to the whole foreground group; the child handles it as a key.
	process.on('SIGINT', () => undefined);
	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		process.removeAllListeners(signal);
		process.on(signal, () => child.kill(signal));
	}
	const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
	runCleanups();
	return code ?? (signal ? 128 + 15 : 1);
}
