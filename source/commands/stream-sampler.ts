/**
 * What --once, -b and --listen share: the interfaces named by -i (all when none), listed again
 * every sample, with ours attached for the life of the process where --attach asks, and one
 * sample of everything per call: kernel counters, our maps, driver counters, exceptions, and
 * run-time stats with --bpf-stats. Everything it opens closes through lifecycle's cleanups.
 */
import {performance} from 'node:perf_hooks';
import {XdpSession} from '../bpf/session.js';
import {setBpfStats} from '../bpf/stats.js';
import {onCleanup} from '../lifecycle.js';
import {NOT_NATIVE} from '../model/driver-verdicts.js';
import {type InterfaceExceptions} from '../model/exceptions.js';
import {selectsInterface} from '../model/ifname.js';
import {computeRates, runRates} from '../model/sample.js';
import {type XdpMode} from '../model/xdp.js';
import {DriverCounters} from '../net/driver-counters.js';
import {ExceptionCounts} from '../net/exception-counts.js';
import {InterfaceLister} from '../net/interfaces.js';
import {KernelCounters, type LinkCounters} from '../net/kernel-counters.js';
import {closeSession} from './close-session.js';
import {selectInterfaces, withXdpState, type InterfaceStatus} from './inventory.js';
import {type OnceResult} from './once-format.js';
import {sampleAll, type Sampled} from './sampler.js';

export interface StreamSettings {
	/** -i values; all interfaces when empty. */
	readonly interfaces: readonly string[];
	readonly attach: XdpMode | undefined;
	readonly keep: boolean;
	readonly bpfStats: boolean;
}

export interface SampledInterface {
	readonly status: InterfaceStatus;
	readonly sampled: Sampled;
	/** Its exceptions since the sample before; undefined where not known. */
	readonly exceptions: InterfaceExceptions | undefined;
}

export interface Round {
	/** Monotonic milliseconds. */
	readonly atMs: number;
	readonly time: Date;
	readonly interfaces: readonly SampledInterface[];
	/** Why exceptions are not counted on this host; undefined while they are. */
	readonly exceptionsUnavailable: string | undefined;
}

/** How old the interface listing may get before a sample lists again (see #statuses). */
const RELIST_MS = 5000;

function sameKeys(counters: ReadonlyMap<number, unknown>, ifindexes: ReadonlySet<number>): boolean {
	if (counters.size !== ifindexes.size) {
		return false;
	}
	for (const ifindex of counters.keys()) {
		if (!ifindexes.has(ifindex)) {
			return false;
		}
	}
	return true;
}

export class StreamSampler {
	readonly #settings: StreamSettings;
	#listing: {readonly atMs: number; readonly ifindexes: ReadonlySet<number>; readonly statuses: InterfaceStatus[]} | undefined;
	readonly #session = new XdpSession();
	readonly #lister = new InterfaceLister();
	readonly #exceptions = new ExceptionCounts();
	readonly #drivers = new DriverCounters();
	readonly #kernelCounters = new KernelCounters();

	private constructor(settings: StreamSettings) {
		this.#settings = settings;
		onCleanup(() => this.#lister.close());
		onCleanup(() => this.#exceptions.close());
		onCleanup(() => closeSession(this.#session, settings.keep));
		onCleanup(() => this.#drivers.close());
		onCleanup(() => this.#kernelCounters.close());
	}

	/** Checks the -i names (an unknown one is a usage error), attaches ours where asked, and starts counting exceptions. */
	static async open(settings: StreamSettings): Promise<StreamSampler> {
		const sampler = new StreamSampler(settings);
		const selected = await selectInterfaces(settings.interfaces, await sampler.#lister.list());
		if (settings.attach) {
			try {
				for (const target of selected) {
					sampler.#session.attach(target, settings.attach);
				}
			} catch (error) {
				// All or nothing, --keep or not: what was attached before the refusal goes again.
				const line = sampler.#session.close({keep: false});
				if (line) {
					process.stderr.write(`xdptop: ${line}\n`);
				}
				throw error;
			}
		}
		if (settings.bpfStats) {
			setBpfStats(true);
			onCleanup(() => setBpfStats(false));
		}
		sampler.#exceptions.start();
		return sampler;
	}

	/**
	 * The interfaces and their XDP state, from a listing that is at most RELIST_MS old: a new one
	 * when the kernel's counters show an interface came or went (they list every interface, every
	 * sample), else every few seconds for what they do not show: a rename, a state change, a
	 * program attached or replaced.
	 */
	async #statuses(kernel: ReadonlyMap<number, LinkCounters>): Promise<InterfaceStatus[] | undefined> {
		const now = performance.now();
		if (this.#listing && now - this.#listing.atMs < RELIST_MS && sameKeys(kernel, this.#listing.ifindexes)) {
			return undefined;
		}
		let listed = await this.#lister.list();
		const ifindexes = new Set(listed.map(entry => entry.ifindex));
		if (this.#settings.interfaces.length > 0) {
			listed = listed.filter(entry => selectsInterface(this.#settings.interfaces, entry));
		}
		const statuses = withXdpState(listed);
		this.#listing = {atMs: now, ifindexes, statuses};
		return statuses;
	}

	/** The counters of every interface, and the listing they go with: a new listing is followed by a new read. */
	async #listed(): Promise<{statuses: InterfaceStatus[]; kernel: ReadonlyMap<number, LinkCounters>}> {
		const kernel = this.#kernelCounters.read();
		const fresh = await this.#statuses(kernel);
		// After a new listing, read again, so that every interface it names is in the counters (as the monitor does).
		return fresh ? {statuses: fresh, kernel: this.#kernelCounters.read()} : {statuses: this.#listing!.statuses, kernel};
	}

	/** One sample of every selected interface that exists now. */
	async sample(): Promise<Round> {
		const {statuses, kernel} = await this.#listed();
		const sampled = sampleAll(statuses, this.#session, this.#drivers, kernel, this.#settings.bpfStats);
		const atMs = performance.now();
		this.#exceptions.next(atMs);
		this.#session.endRound();
		return {
			atMs,
			time: new Date(),
			interfaces: statuses.map(status => ({status, sampled: sampled.get(status.ifindex)!, exceptions: this.#exceptions.of(status.ifindex)})),
			exceptionsUnavailable: this.#exceptions.unavailable,
		};
	}
}

/** Rates between two rounds, for the interfaces in both (same ifindex, same name): a new one has no rates yet. */
export function roundResults(before: Round, after: Round, withRuns: boolean): OnceResult[] {
	const earlier = new Map(before.interfaces.map(entry => [entry.status.ifindex, entry]));
	return after.interfaces.flatMap(({status, sampled, exceptions}) => {
		const first = earlier.get(status.ifindex);
		if (!first || first.status.name !== status.name) {
			return [];
		}
		const last = sampled;
		const attached = status.xdp.attachments;
		const result: OnceResult = {
			name: status.name,
			ifindex: status.ifindex,
			ours: attached.find(attachment => attachment.ours),
			driver: last.driver
				? {name: status.driver, reading: last.driver}
				: attached.some(attachment => !attachment.ours)
					? {name: status.driver, reading: {kind: 'none', reason: NOT_NATIVE}}
					: undefined,
			rates: computeRates(first.sampled.sample, last.sample),
			exceptions: attached.length === 0 ? undefined : {counted: exceptions, unavailable: after.exceptionsUnavailable},
			runs: withRuns
				? attached.flatMap(attachment => {
						const [from, to] = [first.sampled.runs.get(attachment.progId), last.runs.get(attachment.progId)];
						return from && to ? [{attachment, rates: runRates([first.sampled.sample.atMs, last.sample.atMs], from, to)}] : [];
					})
				: undefined,
		};
		return [result];
	});
}
