/**
 * The parent of `xdptop --demo`: builds the lab, runs the monitor inside its receiving namespace
 * (in a child, so that only the monitor lives there), and removes the lab when the child ends.
 * The child removes it too (XDPTOP_DEMO_NAMESPACES), in case this process is killed outright.
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {startDemoLab} from '../demo/lab.js';
import {onCleanup, runCleanups} from '../lifecycle.js';
import {type Command} from '../options.js';
import {UsageError} from '../options.js';

export async function runDemo(command: Extract<Command, {kind: 'monitor'}>): Promise<number> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UsageError('the monitor needs a terminal; for scripts use xdptop list or xdptop --once --json');
	}
	const lab = startDemoLab();
	onCleanup(() => lab.remove());
	const args = [
		`--net=/run/netns/${lab.local}`,
		process.execPath,
		...process.execArgv,
		process.argv[1]!,
		'--interval',
		String(command.intervalSeconds),
		'--mode',
		command.mode,
		...(command.color ? [] : ['--no-color']),
		...(command.ascii ? ['--ascii'] : []),
	];
	const child = spawn('nsenter', args, {
		stdio: 'inherit',
		env: {...process.env, XDPTOP_DEMO: '1', XDPTOP_DEMO_NAMESPACES: `${lab.local} ${lab.peer}`},
	});
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
