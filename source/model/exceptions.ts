/**
 * The XDP exceptions counted by xdptop's tracepoint programs (bpf/xdp_exceptions.bpf.c): totals by
 * (network namespace, program id, ifindex, action), turned into each interface's rates. Pure.
 */
import {type BreakdownRow} from './monitor.js';

export interface ExceptionEntry {
	/** The interface's network namespace, by its cookie. */
	readonly netnsCookie: bigint;
	readonly progId: number;
	readonly ifindex: number;
	readonly action: number;
	readonly count: bigint;
}

export interface ExceptionReading {
	/** Monotonic milliseconds. */
	readonly atMs: number;
	/** By exceptionKey(). */
	readonly entries: ReadonlyMap<string, ExceptionEntry>;
	/** Events that found the table full, so were not counted by interface. */
	readonly lost: bigint;
}

/** What each action means when the kernel reports it as an exception; the last is any action past XDP's own. */
export const EXCEPTION_LABELS: readonly string[] = ['ABORTED', 'DROP', 'PASS failed', 'TX failed', 'REDIRECT failed', 'invalid action'];

export function exceptionKey(netnsCookie: bigint, progId: number, ifindex: number, action: number): string {
	return `${netnsCookie}/${progId}/${ifindex}/${action}`;
}

/** An interface is its namespace and its ifindex there: ifindexes repeat across namespaces. */
function interfaceKey(netnsCookie: bigint, ifindex: number): string {
	return `${netnsCookie}/${ifindex}`;
}

export function emptyReading(atMs: number): ExceptionReading {
	return {atMs, entries: new Map(), lost: 0n};
}

/** What was counted between two readings, by interface: built once per tick for every row. */
export interface ExceptionDeltas {
	readonly elapsedMs: number;
	/** Counts by action (EXCEPTION_LABELS' order), by interfaceKey(). */
	readonly byInterface: ReadonlyMap<string, readonly bigint[]>;
	/** Events not counted by interface because the table was full: then no interface's count is known. */
	readonly lost: bigint;
}

export function exceptionDeltas(before: ExceptionReading, after: ExceptionReading): ExceptionDeltas {
	const byInterface = new Map<string, bigint[]>();
	for (const [key, entry] of after.entries) {
		// A key first seen now was counted from 0: the table is created empty when xdptop loads it.
		// One that went down was removed and made again meanwhile: what it has now is since then.
		const previous = before.entries.get(key)?.count ?? 0n;
		const count = entry.count >= previous ? entry.count - previous : entry.count;
		if (count === 0n) {
			continue;
		}
		const where = interfaceKey(entry.netnsCookie, entry.ifindex);
		let counts = byInterface.get(where);
		if (!counts) {
			counts = EXCEPTION_LABELS.map(() => 0n);
			byInterface.set(where, counts);
		}
		counts[Math.min(entry.action, EXCEPTION_LABELS.length - 1)]! += count;
	}
	return {elapsedMs: after.atMs - before.atMs, byInterface, lost: after.lost - before.lost};
}

export interface ExceptionRate extends BreakdownRow {
	readonly packets: bigint;
	readonly pps: number;
}

export interface InterfaceExceptions {
	readonly packets: bigint;
	readonly pps: number;
	/** One row per EXCEPTION_LABELS entry, in that order, 0 where none happened. */
	readonly byAction: readonly ExceptionRate[];
}

/**
 * The exceptions of whatever programs ran on one interface between the readings (one replaced
 * meanwhile included); undefined without time between them, or when a full table lost events.
 */
export function interfaceExceptions(deltas: ExceptionDeltas, netnsCookie: bigint, ifindex: number): InterfaceExceptions | undefined {
	if (!(deltas.elapsedMs > 0) || deltas.lost > 0n) {
		return undefined;
	}
	const counts = deltas.byInterface.get(interfaceKey(netnsCookie, ifindex)) ?? EXCEPTION_LABELS.map(() => 0n);
	const perSecond = (packets: bigint) => (Number(packets) * 1000) / deltas.elapsedMs;
	const packets = counts.reduce((sum, count) => sum + count, 0n);
	return {
		packets,
		pps: perSecond(packets),
		byAction: counts.map((count, action) => ({label: EXCEPTION_LABELS[action]!, packets: count, pps: perSecond(count)})),
	};
}
