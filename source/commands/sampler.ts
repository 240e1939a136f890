/**
 * Takes one sample of every watched interface: kernel counters (one read), our XDP maps, and the
 * driver's XDP counters where a native-mode program of someone else's is attached.
 */
import {performance} from 'node:perf_hooks';
import {type XdpSession} from '../bpf/session.js';
import {programInfo} from '../bpf/info.js';
import {type InterfaceSample, type RunCounters} from '../model/sample.js';
import {hasForeignNative, type XdpState} from '../model/xdp.js';
import {type DriverCounters, type DriverReading} from '../net/driver-counters.js';
import {type LinkCounters} from '../net/kernel-counters.js';

export interface Watched {
	readonly name: string;
	readonly ifindex: number;
	readonly driver: string;
	readonly xdp: XdpState;
}

export interface Sampled {
	readonly sample: InterfaceSample;
	/** Set where a native-mode program that is not ours is attached: its driver's counters, or why none. */
	readonly driver: DriverReading | undefined;
	/** By program id, with run-time stats on: its run counters now. */
	readonly runs: ReadonlyMap<number, RunCounters>;
}

/** The run counters of every program attached here; a program gone meanwhile is left out. */
function runCounters(xdp: XdpState): Map<number, RunCounters> {
	const runs = new Map<number, RunCounters>();
	for (const attachment of xdp.attachments) {
		try {
			const info = programInfo(attachment.progId);
			runs.set(attachment.progId, {count: info.runCount, timeNs: info.runTimeNs});
		} catch {
			// Detached and freed between the dump and now.
		}
	}
	return runs;
}

/** `kernel`: the kernel's counters of every interface, read just before. */
export function sampleAll(watched: readonly Watched[], session: XdpSession, drivers: DriverCounters, kernel: ReadonlyMap<number, LinkCounters>, withRuns = false): Map<number, Sampled> {
	const atMs = performance.now();
	const samples = new Map<number, Sampled>();
	for (const entry of watched) {
		const ours = entry.xdp.attachments.find(attachment => attachment.ours);
		const xdp = ours ? session.readCounters(entry, ours.progId) : undefined;
		const counters = kernel.get(entry.ifindex);
		const driver = hasForeignNative(entry.xdp) ? drivers.read(entry.ifindex, entry.name, entry.driver) : undefined;
		const sample: InterfaceSample = {
			atMs,
			...(counters ? {kernel: counters} : {}),
			...(xdp ? {xdp} : {}),
			...(driver?.kind === 'counts' ? {driver: driver.counts, driverSet: driver.set} : {}),
		};
		samples.set(entry.ifindex, {sample, driver, runs: withRuns ? runCounters(entry.xdp) : new Map()});
	}
	return samples;
}
