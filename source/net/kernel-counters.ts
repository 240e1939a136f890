/** The kernel's own per-interface counters, read for all interfaces at once. */
import {readFileSync} from 'node:fs';
import {ifnameFromLatin1} from '../model/ifname.js';

export interface LinkCounters {
	readonly rxBytes: bigint;
	readonly rxPackets: bigint;
	readonly rxDropped: bigint;
}

/**
 * One read of /proc/net/dev per tick, whatever the number of interfaces. Synchronous on purpose:
 * procfs is generated in memory, and the async path costs twice as much for the same read.
 */
export async function readKernelCounters(path = '/proc/net/dev'): Promise<Map<string, LinkCounters>> {
	return parseProcNetDev(readFileSync(path, 'latin1'));
}

const SPACE = 32;

/**
 * Takes the file's bytes, or a string read from them as latin1 (one character per byte): names
 * are bytes, and come out lossless (model/ifname.ts), the same strings as listInterfaces gives.
 * Interface names cannot contain ':' or white space, so the first ':' ends the name.
 * Columns: rx bytes packets errs drop fifo frame compressed multicast, then tx (not needed here).
 * Scanned by hand: at 2,000 interfaces a split-and-regex parse costs more than the read.
 */
export function parseProcNetDev(input: string | Buffer): Map<string, LinkCounters> {
	const text = typeof input === 'string' ? input : input.toString('latin1');
	const counters = new Map<string, LinkCounters>();
	const fields: string[] = [];
	let lineStart = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
	while (lineStart > 0 && lineStart < text.length) {
		let lineEnd = text.indexOf('\n', lineStart);
		if (lineEnd === -1) {
			lineEnd = text.length;
		}
		const colon = text.indexOf(':', lineStart);
		if (colon !== -1 && colon < lineEnd) {
			let nameStart = lineStart;
			while (text.charCodeAt(nameStart) === SPACE) {
				nameStart++;
			}
			fields.length = 0;
			let position = colon + 1;
			while (position < lineEnd && fields.length < 8) {
				while (position < lineEnd && text.charCodeAt(position) <= SPACE) {
					position++;
				}
				const start = position;
				while (position < lineEnd && text.charCodeAt(position) > SPACE) {
					position++;
				}
				if (position > start) {
					fields.push(text.slice(start, position));
				}
			}
			if (fields.length >= 8) {
				counters.set(ifnameFromLatin1(text.slice(nameStart, colon)), {
					rxBytes: BigInt(fields[0]!),
					rxPackets: BigInt(fields[1]!),
					rxDropped: BigInt(fields[3]!),
				});
			}
		}
		lineStart = lineEnd + 1;
	}
	return counters;
}
