/** `sudo xdptop`: the full-screen monitor. The terminal and the host are restored on every exit path. */
import {writeSync} from 'node:fs';
import {render, type Instance} from 'ink';
import {XdpSession} from '../bpf/session.js';
import {closeSession} from './close-session.js';
import {deleteNamespaces} from '../demo/namespaces.js';
import {onCleanup, runCleanups} from '../lifecycle.js';
import {MonitorEngine} from '../monitor/engine.js';
import {sshInterface} from '../monitor/ssh.js';
import {type Command} from '../options.js';
import {UsageError} from '../options.js';
import {anchoredStdout} from '../ui/anchored-stdout.js';
import {App} from '../ui/App.js';
import {colorTheme, noColorTheme} from '../ui/theme.js';
import {selectInterfaces} from './inventory.js';

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?25h\u001B[?1049l';

function writeTerminal(text: string): void {
	try {
		writeSync(1, text);
	} catch {
		// The terminal is gone (SSH dropped): nothing left to restore.
	}
}

function utf8Locale(environment: NodeJS.ProcessEnv): boolean {
	const locale = environment['LC_ALL'] || environment['LC_CTYPE'] || environment['LANG'] || '';
	return /utf-?8/i.test(locale);
}

export async function runMonitor(command: Extract<Command, {kind: 'monitor'}>): Promise<void> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UsageError('the monitor needs a terminal; for scripts use xdptop list or xdptop --once --json');
	}
	if (command.interfaces.length > 0) {
		await selectInterfaces(command.interfaces); // An unknown -i name is a usage error before the screen changes.
	}
	const demoNamespaces = process.env['XDPTOP_DEMO_NAMESPACES'];
	if (demoNamespaces) {
		// Registered first, so it runs last: after our program is detached.
		onCleanup(() => deleteNamespaces(demoNamespaces.split(' ')));
	}
	const session = new XdpSession();
	onCleanup(() => closeSession(session, command.keep));
	const engine = new MonitorEngine(session, {
		intervalSeconds: command.intervalSeconds,
		interfaces: command.interfaces,
		sshInterface: sshInterface(),
		demo: process.env['XDPTOP_DEMO'] === '1',
	});
	onCleanup(() => engine.stop());
	await engine.start();
	const adopted = session.adoptPinned(engine.inventory);

	const color = command.color && process.env['NO_COLOR'] === undefined;
	const ascii = command.ascii || !utf8Locale(process.env);
	writeTerminal(ENTER_ALT_SCREEN);
	const terminal = anchoredStdout(process.stdout);
	const app = render(<App port={engine} initial={engine.snapshot} defaultMode={command.mode} ascii={ascii} theme={color ? colorTheme : noColorTheme} />, {
		stdout: terminal.stream,
		exitOnCtrlC: false,
		incrementalRendering: process.env["XDPTOP_FULL_REDRAW"] === undefined,
		patchConsole: true,
		maxFps: 30,
	});
	onCleanup(() => {
		app.unmount();
		terminal.flush();
		writeTerminal(LEAVE_ALT_SCREEN);
	});
	if (adopted.length > 0) {
		await engine.tick();
	}
	injectRenderFault(app);
	await app.waitUntilExit();
	for (const line of runCleanups()) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
}

function InjectedFault(): never {
	throw new Error('injected render fault');
}

/**
 * For the hardening tests only: XDPTOP_FAULT_RENDER_AFTER_MS makes the UI throw while rendering,
 * that many ms after start, to prove a crash in the render path still detaches and restores.
 */
function injectRenderFault(app: Instance): void {
	const afterMs = Number(process.env['XDPTOP_FAULT_RENDER_AFTER_MS']);
	if (afterMs > 0) {
		setTimeout(() => app.rerender(<InjectedFault />), afterMs).unref();
	}
}
