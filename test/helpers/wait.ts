/** Bounded polls for tests: wait for a condition, never for a fixed time. */
import {setTimeout as sleep} from 'node:timers/promises';

/** Polls check every stepMs until it holds; fails after timeoutMs, saying what it waited for. */
export async function until(check: () => boolean, what: string | (() => string), timeoutMs = 10_000, stepMs = 50): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
		}
		await sleep(stepMs);
	}
}

/** The process exists (signal 0 reaches it). */
export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
