/** Reads xdptop_stats's counters: one batch lookup per counters map for every slot, however many slots it holds. */
import {sumAsDouble, sumRecords, perCpuStride, viewOf, ZERO_DATAREC, type Datarec, type XdpCounters} from '../model/counters.js';
import {DATAREC_SIZE, PROTO_CLASSES, SLOT_SIZE, XDP_ACTIONS} from './abi.js';
import {check, libbpf} from './libbpf.js';

let possibleCpus: number | undefined;

/** libbpf's count of possible CPUs (what per-CPU maps are sized by), not the online ones. */
export function possibleCpuCount(): number {
	possibleCpus ??= check('count possible CPUs', libbpf().numPossibleCpus());
	return possibleCpus;
}

const ENOENT = 2;

/** One batch lookup of keys 0 to count - 1, into reused buffers. */
class BatchReader {
	readonly #fd: number;
	readonly #cpus: number;
	readonly values: Buffer;
	readonly view: DataView;
	readonly #keys: Buffer;
	readonly #outBatch = Buffer.alloc(4);
	readonly #count = Buffer.alloc(4);

	readonly #stride: number;

	constructor(fd: number, keys: number, cpus: number, valueSize: number) {
		this.#fd = fd;
		this.#cpus = cpus;
		this.#stride = perCpuStride(valueSize);
		this.values = Buffer.alloc(keys * cpus * this.#stride);
		this.view = viewOf(this.values);
		this.#keys = Buffer.alloc(keys * 4);
	}

	/** Keys 0 to count - 1; the keys read. */
	read(count: number): number {
		if (count * this.#cpus * this.#stride > this.values.length) {
			throw new RangeError(`${count} keys do not fit the buffer`);
		}
		this.#count.writeUInt32LE(count);
		const result = libbpf().mapLookupBatch(this.#fd, null, this.#outBatch, this.#keys, this.values, this.#count, null);
		// ENOENT means "that was the last batch", with every key read.
		if (result < 0 && -result !== ENOENT) {
			check('read counters', result);
		}
		return this.#count.readUInt32LE(0);
	}
}

const CLASSES = PROTO_CLASSES.length;

/**
 * One counters map (a per-CPU array of one slot per key, each a counter pair per class). Slots
 * are read from key 0 up to the highest slot anyone reads, with one batch lookup that serves
 * every slot once within a round: reading a slot again, or reading after invalidate() (the end of
 * a monitor tick, a slot zeroed or handed out), reads the map again. So a round over all slots
 * costs one system call and no read is older than its round.
 */
export class CounterTable {
	readonly #slots: number;
	readonly #cpus = possibleCpuCount();
	readonly #reader: BatchReader;
	/** Slots [0, #wanted) are read; grown by want(). */
	#wanted = 0;
	/**
	 * Which lookup each slot was last handed out from (lookups are numbered from 1): a slot read
	 * twice from one lookup means a new round. A number per slot, as a Set costs more than the sum.
	 */
	readonly #servedFrom: Uint32Array;
	#lookup = 0;
	#stale = true;
	/** Each slot's last totals, with the sums they were made from: a slot that counted nothing since keeps its object. */
	readonly #lastTotals: Array<{readonly packets: number; readonly bytes: number; readonly counters: XdpCounters} | undefined> = [];

	constructor(fd: number, slots: number) {
		this.#slots = slots;
		this.#reader = new BatchReader(fd, slots, this.#cpus, SLOT_SIZE);
		this.#servedFrom = new Uint32Array(slots);
	}

	/** Includes that slot in every lookup from now on (the next one first). */
	want(slot: number): void {
		if (!Number.isInteger(slot) || slot < 0 || slot >= this.#slots) {
			throw new RangeError(`slot ${slot} is not in a map of ${this.#slots} slots`);
		}
		if (slot >= this.#wanted) {
			this.#wanted = slot + 1;
			this.#stale = true;
		}
	}

	/**
	 * One slot's counters. Our program passes every frame, so PASS is its total: the sum of its
	 * classes, from the same read, so the two always agree.
	 */
	read(slot: number, withProtos = true): XdpCounters {
		this.want(slot);
		if (this.#stale || this.#servedFrom[slot] === this.#lookup) {
			this.#lookupAll();
		}
		this.#servedFrom[slot] = this.#lookup;
		const totals = this.#totalsOf(slot);
		if (!withProtos) {
			return totals;
		}
		const {view} = this.#reader;
		const first = this.#firstByte(slot);
		const protos: Datarec[] = [];
		for (let at = 0; at < CLASSES; at++) {
			protos.push(sumRecords(view, first + at * DATAREC_SIZE, this.#cpus, SLOT_SIZE));
		}
		const perCpu: bigint[] = [];
		for (let cpu = 0; cpu < this.#cpus; cpu++) {
			perCpu.push(sumRecords(view, first + cpu * SLOT_SIZE, CLASSES, DATAREC_SIZE).packets);
		}
		return {actions: totals.actions, protos, perCpu};
	}

	/** The next read looks the map up again. */
	invalidate(): void {
		this.#stale = true;
	}

	/** Where a slot starts in the batch buffer: its CPUs' values, each CLASSES datarecs in a row. */
	#firstByte(slot: number): number {
		return slot * this.#cpus * SLOT_SIZE;
	}

	/** A slot's total: every class on every CPU, which lie in one run of datarecs. */
	#totalsOf(slot: number): XdpCounters {
		const {view} = this.#reader;
		const first = this.#firstByte(slot);
		const records = this.#cpus * CLASSES;
		const packets = sumAsDouble(view, first, records, DATAREC_SIZE);
		const bytes = sumAsDouble(view, first + 8, records, DATAREC_SIZE);
		const last = this.#lastTotals[slot];
		if (last && last.packets === packets && last.bytes === bytes) {
			return last.counters;
		}
		// The doubles are the exact sums unless one is NaN (past 2^53): only then sum again in BigInt.
		const total = Number.isNaN(packets) || Number.isNaN(bytes) ? sumRecords(view, first, records, DATAREC_SIZE) : {packets: BigInt(packets), bytes: BigInt(bytes)};
		const counters = {actions: actionsPassing(total)};
		this.#lastTotals[slot] = {packets, bytes, counters};
		return counters;
	}

	#lookupAll(): void {
		const read = this.#reader.read(this.#wanted);
		if (read < this.#wanted) {
			throw new RangeError(`the counters map returned ${read} of ${this.#wanted} slots`);
		}
		// Kept within the Uint32Array's range, so what is stored is what is compared.
		this.#lookup = this.#lookup === 0xff_ff_ff_ff ? 1 : this.#lookup + 1;
		this.#stale = false;
	}
}

const NO_ACTIONS: readonly Datarec[] = XDP_ACTIONS.map(() => ZERO_DATAREC);
const PASS = XDP_ACTIONS.indexOf('PASS');

/** A copy of a packed array, not a map() with a closure: this runs per slot per tick. */
function actionsPassing(pass: Datarec): Datarec[] {
	const actions = NO_ACTIONS.slice();
	actions[PASS] = pass;
	return actions;
}
