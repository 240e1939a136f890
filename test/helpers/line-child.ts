/**
 * A child process spoken to in JSON lines (one request, one answer), for test entry points run
 * under wrappers (unshare, nsenter). Every answer is awaited for a bounded time, so a stuck child
 * fails the test with a message instead of hanging it.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';

export class LineChild {
	readonly #child: ChildProcessWithoutNullStreams;
	readonly #replies: AsyncIterator<string>;
	readonly exited: Promise<unknown>;
	#stderr = '';

	constructor(argv: readonly string[], environment: Record<string, string> = {}) {
		this.#child = spawn(argv[0]!, argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, ...environment}});
		this.#child.stderr.setEncoding('utf8');
		this.#child.stderr.on('data', (chunk: string) => {
			this.#stderr = (this.#stderr + chunk).slice(-4000);
		});
		this.#replies = createInterface({input: this.#child.stdout})[Symbol.asyncIterator]();
		this.exited = once(this.#child, 'exit');
	}

	get pid(): number {
		return this.#child.pid!;
	}

	async request<Reply>(request: unknown, timeoutMs = 15_000): Promise<Reply> {
		this.#child.stdin.write(`${JSON.stringify(request)}\n`);
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(request)} in ${timeoutMs} ms; stderr: ${this.#stderr}`)), timeoutMs);
		});
		try {
			const {value, done} = await Promise.race([this.#replies.next(), timeout]);
			if (done) {
				throw new Error(`the child exited before it answered; stderr: ${this.#stderr}`);
			}
			return JSON.parse(value as string) as Reply;
		} finally {
			clearTimeout(timer);
		}
	}

	/** Ends its input and waits for it to exit; kills it if it does not within `timeoutMs`. */
	async stop(timeoutMs = 10_000): Promise<void> {
		if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
			return;
		}
		this.#child.stdin.end();
		const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
		await this.exited;
		clearTimeout(timer);
	}
}
