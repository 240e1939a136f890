/** One interface's counters at one moment, and the rates between two such moments. */
import {type Datarec, type XdpCounters} from './counters.js';
import {type DriverVerdictCounts, type Verdict} from './driver-verdicts.js';
import {ratePerSecond} from './rates.js';

export interface RxCounters {
	readonly rxPackets: bigint;
	readonly rxBytes: bigint;
	/** Received packets the kernel dropped, where read. */
	readonly rxDropped?: bigint;
}

export interface InterfaceSample {
	/** Monotonic milliseconds. */
	readonly atMs: number;
	readonly kernel?: RxCounters;
	readonly xdp?: XdpCounters;
	/** What the driver counted of a native-mode program that is not ours (see net/driver-counters.ts). */
	readonly driver?: DriverVerdictCounts;
	/** Which set of the driver's statistics `driver` was summed over: rates need the same set twice. */
	readonly driverSet?: number;
}

export interface RateRow {
	/** Counted between the two samples; undefined when the counter went backwards. */
	readonly packets: bigint | undefined;
	readonly bytes: bigint | undefined;
	readonly pps: number | undefined;
	/** Bits per second. */
	readonly bps: number | undefined;
}

/** A packet count between two samples, and its rate; packets undefined when the counter went backwards. */
export interface CountRate {
	readonly packets: bigint | undefined;
	readonly pps: number | undefined;
}

/** The driver's XDP counters as rates; a verdict the driver has no source for is undefined. */
export interface DriverRates {
	readonly packets: CountRate | undefined;
	readonly verdicts: Readonly<Record<Verdict, CountRate | undefined>>;
	readonly errors: CountRate | undefined;
}

export interface InterfaceRates {
	readonly elapsedMs: number;
	readonly kernelRx: RateRow | undefined;
	readonly xdp: {readonly actions: readonly RateRow[]; readonly protos: readonly RateRow[] | undefined} | undefined;
	readonly driver: DriverRates | undefined;
	/** Frames per second counted on each CPU by our program (the focused interface only). */
	readonly perCpu: ReadonlyArray<number | undefined> | undefined;
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

function countRate(atMs: [number, number], before: bigint | undefined, after: bigint | undefined): CountRate | undefined {
	if (before === undefined || after === undefined) {
		return undefined;
	}
	const pps = ratePerSecond({atMs: atMs[0], value: before}, {atMs: atMs[1], value: after});
	return {packets: pps === undefined ? undefined : after - before, pps};
}

function driverRates(atMs: [number, number], before: DriverVerdictCounts, after: DriverVerdictCounts): DriverRates {
	const verdict = (name: Verdict) => countRate(atMs, before.verdicts[name], after.verdicts[name]);
	return {
		packets: countRate(atMs, before.packets, after.packets),
		verdicts: {ABORTED: verdict('ABORTED'), DROP: verdict('DROP'), PASS: verdict('PASS'), TX: verdict('TX'), REDIRECT: verdict('REDIRECT')},
		errors: countRate(atMs, before.errors, after.errors),
	};
}

/** A program's kernel run-time counters (counted only while BPF run-time stats are on). */
export interface RunCounters {
	readonly count: bigint;
	readonly timeNs: bigint;
}

/** What bpftop shows of a program: runs per second, average ns per run, and the share of one CPU. */
export interface RunRates {
	readonly runs: bigint | undefined;
	readonly runsPerSecond: number | undefined;
	readonly nsPerRun: number | undefined;
	/** Percent of one CPU spent running it. */
	readonly cpuPercent: number | undefined;
}

export function runRates(atMs: [number, number], before: RunCounters, after: RunCounters): RunRates {
	const elapsedMs = atMs[1] - atMs[0];
	const runs = after.count - before.count;
	const timeNs = after.timeNs - before.timeNs;
	if (!(elapsedMs > 0) || runs < 0n || timeNs < 0n) {
		return {runs: undefined, runsPerSecond: undefined, nsPerRun: undefined, cpuPercent: undefined};
	}
	return {
		runs,
		runsPerSecond: (Number(runs) * 1000) / elapsedMs,
		nsPerRun: runs > 0n ? Number(timeNs) / Number(runs) : undefined,
		cpuPercent: Number(timeNs) / (elapsedMs * 10_000),
	};
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
		driver: before.driver && after.driver && before.driverSet === after.driverSet ? driverRates(atMs, before.driver, after.driver) : undefined,
		perCpu:
			before.xdp?.perCpu && after.xdp?.perCpu
				? after.xdp.perCpu.map((packets, cpu) => ratePerSecond({atMs: atMs[0], value: before.xdp!.perCpu![cpu] ?? packets}, {atMs: atMs[1], value: packets}))
				: undefined,
	};
}
