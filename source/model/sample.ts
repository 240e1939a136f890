/** One interface's counters at one moment, and the rates between two such moments. */
import {type Datarec, type XdpCounters} from './counters.js';
import {ratePerSecond} from './rates.js';

export interface RxCounters {
	readonly rxPackets: bigint;
	readonly rxBytes: bigint;
}

export interface InterfaceSample {
	/** Monotonic milliseconds. */
	readonly atMs: number;
	readonly kernel?: RxCounters;
	readonly xdp?: XdpCounters;
}

export interface RateRow {
	/** Counted between the two samples; undefined when the counter went backwards. */
	readonly packets: bigint | undefined;
	readonly bytes: bigint | undefined;
	readonly pps: number | undefined;
	/** Bits per second. */
	readonly bps: number | undefined;
}

export interface InterfaceRates {
	readonly elapsedMs: number;
	readonly kernelRx: RateRow | undefined;
	readonly xdp: {readonly actions: readonly RateRow[]; readonly protos: readonly RateRow[] | undefined} | undefined;
}

export function rateRow(atMs: [number, number], packets: [bigint, bigint], bytes: [bigint, bigint]): RateRow {
	const pps = ratePerSecond({atMs: atMs[0], value: packets[0]}, {atMs: atMs[1], value: packets[1]});
	const byteRate = ratePerSecond({atMs: atMs[0], value: bytes[0]}, {atMs: atMs[1], value: bytes[1]});
	const known = pps !== undefined && byteRate !== undefined;
	return {
		packets: known ? packets[1] - packets[0] : undefined,
		bytes: known ? bytes[1] - bytes[0] : undefined,
		pps: known ? pps : undefined,
		bps: known ? byteRate * 8 : undefined,
	};
}

function datarecRows(atMs: [number, number], before: readonly Datarec[], after: readonly Datarec[]): RateRow[] {
	return after.map((record, index) => {
		const previous = before[index] ?? record;
		return rateRow(atMs, [previous.packets, record.packets], [previous.bytes, record.bytes]);
	});
}

/** Rates between two samples of one interface; parts missing from either sample are undefined. */
export function computeRates(before: InterfaceSample, after: InterfaceSample): InterfaceRates {
	const atMs: [number, number] = [before.atMs, after.atMs];
	return {
		elapsedMs: after.atMs - before.atMs,
		kernelRx:
			before.kernel && after.kernel
				? rateRow(atMs, [before.kernel.rxPackets, after.kernel.rxPackets], [before.kernel.rxBytes, after.kernel.rxBytes])
				: undefined,
		xdp:
			before.xdp && after.xdp
				? {
						actions: datarecRows(atMs, before.xdp.actions, after.xdp.actions),
						protos: before.xdp.protos && after.xdp.protos ? datarecRows(atMs, before.xdp.protos, after.xdp.protos) : undefined,
					}
				: undefined,
	};
}
