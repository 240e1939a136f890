/** Reads xdptop_stats's counters: one batch lookup per counters map, however many slots it holds. */
import {packetsPerCpu, sumPerCpu, perCpuStride, totalOf, ZERO_DATAREC, type XdpCounters} from '../model/counters.js';
import {DATAREC_SIZE, SLOT_KEYS, XDP_ACTIONS} from './abi.js';
import {check, libbpf} from './libbpf.js';

let possibleCpus: number | undefined;

/** libbpf's count of possible CPUs (what per-CPU maps are sized by), not the online ones. */
export function possibleCpuCount(): number {
	possibleCpus ??= check('count possible CPUs', libbpf().numPossibleCpus());
	return possibleCpus;
}

const ENOENT = 2;

/**
 * One counters map (a per-CPU array, SLOT_KEYS keys per slot), read from key 0 up to the highest
 * slot anyone reads, with one batch lookup. A lookup serves every slot once, within one round:
 * reading a slot again, or reading after invalidate() (the end of a monitor tick, a slot zeroed
 * or handed out), reads the map again. So a round over all slots costs one system call, and no
 * read is ever older than the round it is made in.
 */
export class CounterTable {
	readonly #fd: number;
	readonly #slots: number;
	readonly #cpus = possibleCpuCount();
	readonly #values: Buffer;
	readonly #keys: Buffer;
	readonly #outBatch = Buffer.alloc(4);
	readonly #count = Buffer.alloc(4);
	/** Slots [0, #wanted) are read; grown by want(). */
	#wanted = 0;
	/** Slots covered by the last lookup, and those already handed out from it. */
	#read = 0;
	readonly #served = new Set<number>();
	#stale = true;

	constructor(fd: number, maxEntries: number) {
		this.#fd = fd;
		this.#slots = Math.floor(maxEntries / SLOT_KEYS);
		this.#values = Buffer.alloc(maxEntries * this.#cpus * perCpuStride(DATAREC_SIZE));
		this.#keys = Buffer.alloc(maxEntries * 4);
	}

	get fd(): number {
		return this.#fd;
	}

	/** Includes that slot in every lookup from now on. */
	want(slot: number): void {
		if (!Number.isInteger(slot) || slot < 0 || slot >= this.#slots) {
			throw new RangeError(`slot ${slot} is not in a map of ${this.#slots} slots`);
		}
		this.#wanted = Math.max(this.#wanted, slot + 1);
	}

	/**
	 * One slot's counters. Our program passes every frame, so PASS is the sum of the classes; the
	 * classes and the per-CPU split come with it (withProtos=false leaves them out, not the read).
	 */
	read(slot: number, withProtos = true): XdpCounters {
		this.want(slot);
		if (this.#stale || this.#served.has(slot) || slot >= this.#read) {
			this.#lookup();
		}
		this.#served.add(slot);
		const firstKey = slot * SLOT_KEYS;
		const protos = sumPerCpu(this.#values, SLOT_KEYS, this.#cpus, DATAREC_SIZE, firstKey);
		const pass = totalOf(protos);
		const actions = XDP_ACTIONS.map(action => (action === 'PASS' ? pass : ZERO_DATAREC));
		if (!withProtos) {
			return {actions};
		}
		return {actions, protos, perCpu: packetsPerCpu(this.#values, SLOT_KEYS, this.#cpus, DATAREC_SIZE, firstKey)};
	}

	/** The next read looks the map up again. */
	invalidate(): void {
		this.#stale = true;
	}

	#lookup(): void {
		const keys = this.#wanted * SLOT_KEYS;
		this.#count.writeUInt32LE(keys);
		const result = libbpf().mapLookupBatch(this.#fd, null, this.#outBatch, this.#keys, this.#values, this.#count, null);
		// ENOENT means "that was the last batch", with every key read.
		if (result < 0 && -result !== ENOENT) {
			check('read counters', result);
		}
		this.#read = Math.floor(this.#count.readUInt32LE(0) / SLOT_KEYS);
		this.#served.clear();
		this.#stale = false;
		if (this.#read < this.#wanted) {
			throw new RangeError(`the counters map returned ${this.#read} of ${this.#wanted} slots`);
		}
	}
}
