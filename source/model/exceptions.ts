/**
 * The XDP exceptions counted by xdptop's tracepoint programs (bpf/xdp_exceptions.bpf.c): totals by
 * (program id, ifindex, action), turned into each interface's rates. Pure.
 */
import {type BreakdownRow} from './monitor.js';

export interface ExceptionEntry {
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
	/** Events that found the table full, so were not counted by program and interface. */
	readonly lost: bigint;
}

/** What each action means when the kernel reports it as an exception; the last is any action past XDP's own. */
export const EXCEPTION_LABELS: readonly string[] = ['ABORTED', 'DROP', 'PASS failed', 'TX failed', 'REDIRECT failed', 'invalid action'];

export function exceptionKey(progId: number, ifindex: number, action: number): string {
	return `${progId}/${ifindex}/${action}`;
}

export function emptyReading(atMs: number): ExceptionReading {
	return {atMs, entries: new Map(), lost: 0n};
}

export interface ExceptionDelta {
	readonly progId: number;
	readonly action: number;
	readonly count: bigint;
}

/** What was counted between two readings, by ifindex: built once per tick for every row. */
export interface ExceptionDeltas {
	readonly elapsedMs: number;
	readonly byIfindex: ReadonlyMap<number, readonly ExceptionDelta[]>;
	readonly lost: bigint;
}

export function exceptionDeltas(before: ExceptionReading, after: ExceptionReading): ExceptionDeltas {
	const byIfindex = new Map<number, ExceptionDelta[]>();
	for (const [key, entry] of after.entries) {
		// A key first seen now was counted from 0: the table is created empty when xdptop loads it.
		const count = entry.count - (before.entries.get(key)?.count ?? 0n);
		if (count <= 0n) {
			continue;
		}
		let list = byIfindex.get(entry.ifindex);
		if (!list) {
			list = [];
			byIfindex.set(entry.ifindex, list);
		}
		list.push({progId: entry.progId, action: entry.action, count});
	}
	return {elapsedMs: after.atMs - before.atMs, byIfindex, lost: after.lost - before.lost};
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
 * The exceptions of the programs attached to one interface. Matched by program id as well as
 * ifindex: the tracepoints fire in every network namespace, where ifindexes repeat.
 */
export function interfaceExceptions(deltas: ExceptionDeltas, ifindex: number, progIds: readonly number[]): InterfaceExceptions | undefined {
	if (!(deltas.elapsedMs > 0)) {
		return undefined;
	}
	const counts = EXCEPTION_LABELS.map(() => 0n);
	for (const delta of deltas.byIfindex.get(ifindex) ?? []) {
		if (progIds.includes(delta.progId)) {
			counts[Math.min(delta.action, EXCEPTION_LABELS.length - 1)]! += delta.count;
		}
	}
	const perSecond = (packets: bigint) => (Number(packets) * 1000) / deltas.elapsedMs;
	const packets = counts.reduce((sum, count) => sum + count, 0n);
	return {
		packets,
		pps: perSecond(packets),
		byAction: counts.map((count, action) => ({label: EXCEPTION_LABELS[action]!, packets: count, pps: perSecond(count)})),
	};
}
