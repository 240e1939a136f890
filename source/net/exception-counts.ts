/**
 * The exception counts of every XDP program (source/bpf/exceptions.ts) as the monitor and --once
 * take them: read once per sample as what was counted since the sample before, for the
 * interfaces of this process's network namespace. Where they cannot be had, says why instead.
 */
import {performance} from 'node:perf_hooks';
import {ExceptionCounter} from '../bpf/exceptions.js';
import {netnsCookie} from '../bpf/netns.js';
import {emptyReading, exceptionDeltas, interfaceExceptions, type ExceptionDeltas, type ExceptionReading, type InterfaceExceptions} from '../model/exceptions.js';

/** What the pane and --once say where there are no counts, before the reason. */
const UNAVAILABLE = 'no exception counts';

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export class ExceptionCounts {
	#counter: ExceptionCounter | undefined;
	#last: ExceptionReading | undefined;
	#deltas: ExceptionDeltas | undefined;
	#reason: string | undefined;
	#cookie = 0n;
	#started = false;

	/** Loads and attaches the programs; where that fails, `unavailable` says why from then on. */
	start(): void {
		if (this.#started) {
			return;
		}
		this.#started = true;
		try {
			this.#cookie = netnsCookie();
			this.#counter = ExceptionCounter.start();
			// The table was created empty and counts from now (loading took a while): the first
			// interval starts here, not when start() was called.
			this.#last = emptyReading(performance.now());
		} catch (error) {
			this.#reason = `${UNAVAILABLE}: ${firstLine(error)}`;
		}
	}

	/** Why there are no counts now; undefined while counting. */
	get unavailable(): string | undefined {
		return this.#reason;
	}

	/** Reads what was counted since the last call (or since the start); the rows then ask by interface. */
	next(atMs: number): void {
		this.#deltas = undefined;
		if (!this.#counter || !this.#last) {
			return;
		}
		let reading: ExceptionReading;
		try {
			reading = this.#counter.read(atMs);
		} catch (error) {
			this.#reason = `${UNAVAILABLE}: ${firstLine(error)}`;
			this.close();
			return;
		}
		this.#deltas = exceptionDeltas(this.#last, reading);
		this.#last = reading;
		this.#reason = this.#deltas.lost > 0n ? `${UNAVAILABLE}: the table was full, ${this.#deltas.lost} went uncounted` : undefined;
	}

	/**
	 * This interface's exceptions in the last interval read; undefined where they are not known.
	 * `cookie`: of the namespace the ifindex is in, when not this process's.
	 */
	of(ifindex: number, cookie = this.#cookie): InterfaceExceptions | undefined {
		return this.#deltas && interfaceExceptions(this.#deltas, cookie, ifindex);
	}

	close(): void {
		this.#counter?.close();
		this.#counter = undefined;
	}
}
