/**
 * The one place every exit path goes through: normal return, Ctrl-C, SIGTERM, SIGHUP (an SSH
 * drop), an uncaught exception. Cleanups are synchronous, run once, newest first.
 */
type Cleanup = () => string | void;

const cleanups: Cleanup[] = [];
let installed = false;
let ran = false;

const SIGNAL_EXIT: Record<string, number> = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129};

/**
 * For the streaming modes (-b, --listen), SIGTERM and SIGHUP are how they are meant to be stopped
 * (a service manager, a closed session): a normal end, exit 0.
 */
export function stopSignalsEndNormally(): void {
	SIGNAL_EXIT['SIGTERM'] = 0;
	SIGNAL_EXIT['SIGHUP'] = 0;
	install();
}

/** Runs every cleanup once; returns the lines they reported. Never throws. */
export function runCleanups(): string[] {
	if (ran) {
		return [];
	}
	ran = true;
	const lines: string[] = [];
	for (const cleanup of cleanups.reverse()) {
		try {
			const line = cleanup();
			if (line) {
				lines.push(line);
			}
		} catch (error) {
			lines.push(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	return lines;
}

/** Ends the process now: cleanups first, their lines (and `message`) on stderr. */
export function finish(code: number, message?: string): never {
	const lines = runCleanups();
	if (message) {
		lines.unshift(message);
	}
	for (const line of lines) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
	process.exit(code);
}

export function onCleanup(cleanup: Cleanup): void {
	cleanups.push(cleanup);
	install();
}

function install(): void {
	if (installed) {
		return;
	}
	installed = true;
	for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
		process.on(signal, () => finish(SIGNAL_EXIT[signal] ?? code));
	}
	// Node opens its inspector on SIGUSR1: a debugger port into a root process, and its banner over
	// the screen. Ignored here, like any other signal xdptop has no use for.
	process.on('SIGUSR1', () => undefined);
	process.on('exit', () => {
		for (const line of runCleanups()) {
			process.stderr.write(`xdptop: ${line}\n`);
		}
	});
	process.on('uncaughtException', error => finish(1, `internal error: ${error.message}${process.env['XDPTOP_DEBUG'] ? `\n${error.stack ?? ''}` : ''}`));
	process.on('unhandledRejection', reason => finish(1, `internal error: ${reason instanceof Error ? reason.message : String(reason)}`));
}
