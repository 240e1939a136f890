/** A real terminal for end-to-end tests: tmux on a private socket, read as a person would. */
import {execFileSync} from 'node:child_process';
import {setTimeout as sleep} from 'node:timers/promises';

export class TmuxTerminal {
	readonly #socket = `xdptop-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	readonly session = 'main';

	/** Runs `command` (argv) in a new window of columns x rows; the shell stays after it ends. */
	constructor(command: readonly string[], size: {columns: number; rows: number}, environment: Record<string, string> = {}) {
		const quoted = command.map(argument => `'${argument.replaceAll("'", "'\\''")}'`).join(' ');
		const exports = Object.entries(environment)
			.map(([name, value]) => `${name}='${value}'`)
			.join(' ');
		const script = `env -u CI ${exports} ${quoted}; echo "EXIT=$?"; sleep 600`;
		this.#tmux(['new-session', '-d', '-s', this.session, '-x', String(size.columns), '-y', String(size.rows), 'sh', '-c', script]);
	}

	#tmux(args: readonly string[]): string {
		return execFileSync('tmux', ['-L', this.#socket, ...args], {encoding: 'utf8'});
	}

	screen(): string {
		return this.#tmux(['capture-pane', '-p', '-t', this.session]);
	}

	/** The screen with its styles, as tmux writes them (SGR codes): equal cells give equal text. */
	screenWithStyles(): string {
		return this.#tmux(['capture-pane', '-p', '-e', '-t', this.session]);
	}

	resize(columns: number, rows: number): void {
		this.#tmux(['resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows)]);
	}

	/** tmux key names (Space, Down, q ...) */
	keys(...keys: string[]): void {
		this.#tmux(['send-keys', '-t', this.session, ...keys]);
	}

	format(format: string): string {
		return this.#tmux(['display-message', '-p', '-t', this.session, format]).trim();
	}

	/** The program's pid: the child of the pane's shell. */
	programPid(): number {
		const shell = this.format('#{pane_pid}');
		return Number(execFileSync('pgrep', ['-P', shell], {encoding: 'utf8'}).trim().split('\n')[0]);
	}

	/** Waits until the screen matches, or throws with the screen in the message. */
	async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		while (Date.now() < deadline) {
			screen = this.screen();
			if (pattern.test(screen)) {
				return screen;
			}
			await sleep(50);
		}
		throw new Error(`screen never matched ${pattern}:\n${screen}`);
	}

	close(): void {
		try {
			this.#tmux(['kill-server']);
		} catch {
			// Already gone.
		}
	}
}
