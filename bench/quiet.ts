/**
 * Between sections: the kernel tears a deleted namespace's interfaces down after `ip netns del`
 * returns (section 3's 2,048 veths: seconds of work under the RTNL lock), and whatever runs then
 * pays for it. Measured: xdptop's first frame 518 ms in a full run against 407-440 ms with section
 * 4 alone, and 462 ms against 376 ms right after deleting 1,024 veth pairs by hand.
 */
import {readFileSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';

const QUIET_SHARE = 0.15;
const WINDOW_MS = 500;
const LONGEST_MS = 60_000;

function cpuTimes(): {busy: number; total: number} {
	const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
	const total = fields.reduce((sum, value) => sum + value, 0);
	// Busy: neither idle, waiting for I/O, nor stolen by the VM's host (not this machine's work).
	return {busy: total - fields[3]! - fields[4]! - fields[7]!, total};
}

/** Until the machine's CPUs are busy less than 15 % of a half-second window (a minute at most); says how long it waited. */
export async function untilQuiet(): Promise<void> {
	const start = Date.now();
	while (Date.now() - start < LONGEST_MS) {
		const before = cpuTimes();
		await sleep(WINDOW_MS);
		const after = cpuTimes();
		if (after.total > before.total && (after.busy - before.busy) / (after.total - before.total) < QUIET_SHARE) {
			break;
		}
	}
	const waited = Date.now() - start;
	if (waited > 2 * WINDOW_MS) {
		process.stdout.write(`  (waited ${(waited / 1000).toFixed(1)} s for the machine to be quiet)\n`);
	}
}
