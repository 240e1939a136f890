/** Counters to rates: pure, with explicit monotonic timestamps. */

export interface CounterSample {
	/** Monotonic time in milliseconds (performance.now()), never the wall clock. */
	readonly atMs: number;
	readonly value: bigint;
}

/**
 * Per-second rate between two samples of one counter, or undefined when it cannot be known:
 * no time passed, or the counter went backwards (map re-created, interface re-created, wrap):
 * the caller re-baselines on the newer sample instead of showing a negative or huge rate.
 */
export function ratePerSecond(previous: CounterSample | undefined, current: CounterSample): number | undefined {
	if (!previous) {
		return undefined;
	}
	const elapsedMs = current.atMs - previous.atMs;
	if (!(elapsedMs > 0)) {
		return undefined;
	}
	const delta = current.value - previous.value;
	if (delta < 0n) {
		return undefined;
	}
	return (Number(delta) * 1000) / elapsedMs;
}
