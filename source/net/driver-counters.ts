/**
 * What someone else's native-mode XDP program does, from the driver's own statistics (ethtool -S):
 * the names are read once per interface and compiled into a reader (model/driver-verdicts.ts),
 * the values every tick, over one socket in this process's network namespace.
 */
import {EthtoolStats} from '../bpf/ethtool.js';
import {type Visit} from '../bpf/netns.js';
import {driverVerdictReader, NO_XDP_COUNTERS, type DriverVerdictCounts, type DriverVerdictReader} from '../model/driver-verdicts.js';
import {ifnameBytes} from '../model/ifname.js';

export type DriverReading =
	/**
	 * `set` names the statistics the totals were summed over: veth, for one, lists only the queues in
	 * use, while a queue switched off keeps its counts, so totals over two sets are not comparable.
	 */
	| {readonly kind: 'counts'; readonly counts: DriverVerdictCounts; readonly set: number; readonly notes: readonly string[]}
	/** Why there is nothing to show: the driver has no such counters, or they cannot be read. */
	| {readonly kind: 'none'; readonly reason: string};

interface Compiled {
	readonly set: number;
	readonly name: string;
	readonly driver: string;
	readonly count: number;
	readonly reader: DriverVerdictReader | undefined;
	readonly reason: string;
}

export class DriverCounters {
	#stats: EthtoolStats | undefined | null = null;
	readonly #compiled = new Map<number, Compiled>();
	#sets = 0;
	readonly #within: Visit | undefined;

	/** `within`: another namespace's, whose socket is then made there (and stays there). */
	constructor(within?: Visit) {
		this.#within = within;
	}

	/** The XDP verdict totals the driver of this interface keeps, or why there are none. */
	read(ifindex: number, name: string, driver: string): DriverReading {
		const stats = this.#open();
		if (!stats) {
			return {kind: 'none', reason: 'the ethtool statistics cannot be read here'};
		}
		const bytes = ifnameBytes(name);
		let compiled = this.#compiled.get(ifindex);
		for (let attempt = 0; attempt < 2; attempt++) {
			if (!compiled || compiled.name !== name || compiled.driver !== driver) {
				compiled = this.#compile(stats, bytes, name, driver);
				this.#compiled.set(ifindex, compiled);
			}
			if (!compiled.reader) {
				return {kind: 'none', reason: compiled.reason};
			}
			const values = stats.values(bytes, compiled.count);
			if (values) {
				return {kind: 'counts', counts: compiled.reader.read(values), set: compiled.set, notes: compiled.reader.notes};
			}
			compiled = undefined; // Its set changed size (queues came or went): read the names again.
		}
		return {kind: 'none', reason: 'the driver\'s statistics changed while being read'};
	}

	/** Forgets interfaces no longer watched. */
	retain(ifindexes: ReadonlySet<number>): void {
		for (const ifindex of this.#compiled.keys()) {
			if (!ifindexes.has(ifindex)) {
				this.#compiled.delete(ifindex);
			}
		}
	}

	close(): void {
		this.#stats?.close();
		this.#stats = null;
		this.#compiled.clear();
	}

	#open(): EthtoolStats | undefined {
		if (this.#stats === null) {
			this.#stats = this.#within ? this.#within(() => EthtoolStats.open()) : EthtoolStats.open();
		}
		return this.#stats;
	}

	#compile(stats: EthtoolStats, bytes: Uint8Array, name: string, driver: string): Compiled {
		const names = stats.names(bytes);
		if (!names) {
			return {set: ++this.#sets, name, driver, count: 0, reader: undefined, reason: `${driver} gives no ethtool statistics`};
		}
		const reader = driverVerdictReader(driver, names);
		const reason = NO_XDP_COUNTERS[driver] ?? `${driver} keeps no XDP verdict counters that xdptop knows`;
		return {set: ++this.#sets, name, driver, count: names.length, reader, reason};
	}
}
