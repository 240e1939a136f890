/**
 * The demo's traffic plan: modest, and bounded in count (so in time too), sent in bursts so that
 * the sender wakes ten times a second, not a hundred. The monitor says it up front, so that the
 * end of the traffic after an hour is no surprise.
 */
export const DEMO_TRAFFIC = {
	burst: 250,
	intervalMs: 100,
	/** One hour at 2,500 frames/s. */
	limit: 9_000_000,
} as const;

export const DEMO_FRAMES_PER_SECOND = (DEMO_TRAFFIC.burst * 1000) / DEMO_TRAFFIC.intervalMs;

/** One status line: what the demo sends, and for how long. */
export function demoTrafficSummary(): string {
	const minutes = Math.round(DEMO_TRAFFIC.limit / DEMO_FRAMES_PER_SECOND / 60);
	return `demo: ~${DEMO_FRAMES_PER_SECOND.toLocaleString('en-US')} frames/s arrive on demo0 for ${minutes} min`;
}
