/** `sudo xdptop`: the full-screen monitor. The terminal and the host are restored on every exit path. */
import {writeSync} from 'node:fs';
import {render, type Instance} from 'ink';
import {XdpSession} from '../bpf/session.js';
import {closeSession} from './close-session.js';
import {ownDemoLab} from '../demo/own-lab.js';
import {onCleanup, runCleanups} from '../lifecycle.js';
import {MonitorEngine} from '../monitor/engine.js';
import {sshInterface} from '../monitor/ssh.js';
import {type Command} from '../options.js';
import {UsageError} from '../options.js';
import {anchoredStdout} from '../ui/anchored-stdout.js';
import {App} from '../ui/App.js';
import {colorTheme, noColorTheme} from '../ui/theme.js';
import {listAllNamespaces} from './all-namespaces.js';
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

/**
 * Set only by test builds (test/helpers/xdptop-test-main.tsx, bundled to build/xdptop-test.mjs),
 * never by the shipped entry: nothing in the environment can reach it.
 */
export const monitorTestHooks: {rendered?: (app: Instance) => void} = {};

export async function runMonitor(command: Extract<Command, {kind: 'monitor'}>): Promise<void> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		throw new UsageError('the monitor needs a terminal; for scripts use xdptop list or xdptop --once --json');
	}
	if (command.interfaces.length > 0) {
		// An unknown -i name is a usage error before the screen changes; with -A, a name of any namespace.
		const everywhere = command.allNamespaces ? (await listAllNamespaces()).flatMap(listing => listing.interfaces) : undefined;
		await selectInterfaces(command.interfaces, everywhere);
	}
	// Only when this process proves it runs in a lab its parent built (see own-lab.ts).
	const demoLab = ownDemoLab();
	if (demoLab) {
		// Registered first, so it runs last: after our program is detached.
		onCleanup(() => demoLab.remove());
	}
	const session = new XdpSession();
	onCleanup(() => closeSession(session, command.keep));
	const engine = new MonitorEngine(session, {
		intervalSeconds: command.intervalSeconds,
		interfaces: command.interfaces,
		sshInterface: sshInterface(),
		demo: demoLab !== undefined,
		allNamespaces: command.allNamespaces,
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
		// A display switch only (every frame redrawn in full, for a terminal that garbles partial
		// updates): it costs bytes, and can neither delete nor break anything.
		incrementalRendering: process.env['XDPTOP_FULL_REDRAW'] === undefined,
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
	monitorTestHooks.rendered?.(app);
	await app.waitUntilExit();
	for (const line of runCleanups()) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
}
