/** Drives agent-main.ts in a lab namespace: one request at a time, answers as promises. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {createInterface} from 'node:readline';
import {type AgentRequest} from './agent-main.js';

export type AgentReply = {ok: true; value: unknown} | {ok: false; name: string; message: string; code?: string};

const AGENT = fileURLToPath(new URL('agent-main.ts', import.meta.url));

export class Agent {
	readonly #child: ChildProcessWithoutNullStreams;
	readonly #replies: AsyncIterator<string>;
	readonly exited: Promise<unknown>;

	constructor(namespace: string) {
		// nsenter, not `ip netns exec`: that one also remounts /sys, hiding the host's bpffs pins.
		this.#child = spawn('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, '--import', 'tsx', AGENT], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		this.#replies = createInterface({input: this.#child.stdout})[Symbol.asyncIterator]();
		this.exited = once(this.#child, 'exit');
	}

	get pid(): number {
		return this.#child.pid!;
	}

	async request(request: AgentRequest): Promise<AgentReply> {
		this.#child.stdin.write(`${JSON.stringify(request)}\n`);
		const {value, done} = await this.#replies.next();
		if (done) {
			throw new Error('the agent exited before it answered');
		}
		return JSON.parse(value) as AgentReply;
	}

	/** Asks and insists on success; the value comes back. */
	async ok(request: AgentRequest): Promise<unknown> {
		const reply = await this.request(request);
		if (!reply.ok) {
			throw new Error(`${request.op} failed: ${reply.message}`);
		}
		return reply.value;
	}

	async stop(): Promise<void> {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.stdin.end();
			await this.exited;
		}
	}

	async kill(signal: NodeJS.Signals): Promise<void> {
		this.#child.kill(signal);
		await this.exited;
	}
}
