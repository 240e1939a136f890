/**
 * The exception counts of every XDP program (source/bpf/exceptions.ts) as the monitor and --once
 * take them: started in the background, then read once per sample as what was counted since the
 * sample before. Where the tracepoints cannot be used, says why instead.
 */
import {performance} from 'node:perf_hooks';
import {ExceptionCounter} from '../bpf/exceptions.js';
import {emptyReading, exceptionDeltas, type ExceptionDeltas, type ExceptionReading} from '../model/exceptions.js';

/** What the pane and --once say where there are no counts, after the reason. */
const UNAVAILABLE = 'no exception counts';

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export class ExceptionCounts {
	#counter: ExceptionCounter | undefined;
	#last: ExceptionReading | undefined;
	#reason: string | undefined;
	#closed = false;
	readonly #started: Promise<void>;

	constructor() {
		this.#started = ExceptionCounter.start().then(
			counter => {
				if (this.#closed) {
					counter.close();
					return;
				}
				this.#counter = counter;
				// The table was created empty: everything in the first reading happened after this.
				this.#last = emptyReading(performance.now());
			},
			(error: unknown) => {
				this.#reason = `${UNAVAILABLE}: ${firstLine(error)}`;
			},
		);
	}

	/** Settles once the programs are attached, or known not to be. */
	async ready(): Promise<void> {
		return this.#started;
	}

	/** Why there are no counts; undefined while starting or counting. */
	get unavailable(): string | undefined {
		return this.#reason;
	}

	/** What was counted since the last call (or since the start); undefined while none can be had. */
	next(atMs: number): ExceptionDeltas | undefined {
		if (!this.#counter || !this.#last) {
			return undefined;
		}
		let reading: ExceptionReading;
		try {
			reading = this.#counter.read(atMs);
		} catch (error) {
			this.#reason = `${UNAVAILABLE}: ${firstLine(error)}`;
			this.close();
			return undefined;
		}
		const deltas = exceptionDeltas(this.#last, reading);
		this.#last = reading;
		return deltas;
	}

	close(): void {
		this.#closed = true;
		this.#counter?.close();
		this.#counter = undefined;
	}
}
