/** The kernel's own per-interface counters, read for all interfaces at once. */
import {readFile} from 'node:fs/promises';

export interface LinkCounters {
	readonly rxBytes: bigint;
	readonly rxPackets: bigint;
	readonly rxDropped: bigint;
	readonly txBytes: bigint;
	readonly txPackets: bigint;
	readonly txDropped: bigint;
}

/** One read of /proc/net/dev per tick, whatever the number of interfaces. */
export async function readKernelCounters(path = '/proc/net/dev'): Promise<Map<string, LinkCounters>> {
	return parseProcNetDev(await readFile(path, 'utf8'));
}

/**
 * Interface names cannot contain ':' or white space, so the first ':' ends the name.
 * Columns: rx bytes packets errs drop fifo frame compressed multicast, tx bytes packets errs drop ...
 */
export function parseProcNetDev(text: string): Map<string, LinkCounters> {
	const counters = new Map<string, LinkCounters>();
	for (const line of text.split('\n').slice(2)) {
		const colon = line.indexOf(':');
		if (colon === -1) {
			continue;
		}
		const name = line.slice(0, colon).replace(/^ +/, '');
		const fields = line.slice(colon + 1).trim().split(/\s+/);
		if (fields.length < 16) {
			continue;
		}
		const field = (index: number) => BigInt(fields[index]!);
		counters.set(name, {
			rxBytes: field(0),
			rxPackets: field(1),
			rxDropped: field(3),
			txBytes: field(8),
			txPackets: field(9),
			txDropped: field(11),
		});
	}
	return counters;
}
