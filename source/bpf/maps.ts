/** Reads xdptop_stats's counters: one copy of each counters map's memory per tick, however many slots it holds. */
import {readFileSync} from 'node:fs';
import {cpuIdCount} from '../model/cpus.js';
import {copyCounters, sumGrid, sumGridDatarecsAsDouble, sumRecords, viewOf, ZERO_DATAREC, type Datarec, type XdpCounters} from '../model/counters.js';
import {DATAREC_SIZE, PROTO_CLASSES, ROW_SIZE, XDP_ACTIONS} from './abi.js';
import {check, libbpf, mapMapReadOnly, type MappedMap} from './libbpf.js';

let possibleCpus: number | undefined;
let cpuIds: number | undefined;

/** libbpf's count of possible CPUs (what per-CPU maps are sized by), not the online ones. */
export function possibleCpuCount(): number {
	possibleCpus ??= check('count possible CPUs', libbpf().numPossibleCpus());
	return possibleCpus;
}

/**
 * How many CPU ids there are: one more than the highest possible CPU. A slot has a row per id,
 * as the program picks its row by CPU id; where possible CPUs have gaps (0,2-3), this is more
 * than possibleCpuCount(), and the rows of ids that are not possible stay zero.
 */
export function cpuRowsPerSlot(): number {
	if (cpuIds === undefined) {
		let list = '';
		try {
			list = readFileSync('/sys/devices/system/cpu/possible', 'latin1');
		} catch {
			// Without sysfs: the count libbpf found, which is the ids' count where there are no gaps.
		}
		cpuIds = Math.max(cpuIdCount(list) ?? 0, possibleCpuCount());
	}
	return cpuIds;
}

/** Where a table's rows come from, into one buffer of `rows` struct cpu_rows in key order. */
interface RowSource {
	readonly view: DataView;
	/** Rows 0 to rows - 1 as they are now. */
	read(rows: number): void;
	close(): void;
}

/**
 * The map's values mapped into memory: a read is a copy, with no system call. The mapping costs
 * address space only; the copy grows with the rows read, not with the map.
 */
class MappedRows implements RowSource {
	view = new DataView(new ArrayBuffer(0));
	readonly #mapped: MappedMap;
	#copy = new BigUint64Array(0);

	constructor(fd: number, rows: number) {
		this.#mapped = mapMapReadOnly(fd, rows * ROW_SIZE);
	}

	read(rows: number): void {
		const counters = rows * (ROW_SIZE / 8);
		if (counters > this.#copy.length) {
			this.#copy = new BigUint64Array(Math.min(this.#mapped.counters.length, Math.max(counters, 2 * this.#copy.length)));
			this.view = new DataView(this.#copy.buffer);
		}
		copyCounters(this.#mapped.counters, this.#copy, counters);
	}

	close(): void {
		this.#mapped.unmap();
	}
}

/**
 * Rows looked up one by one: for a map bound to a device (hardware offload), which can be neither
 * mapped nor looked up in batches. Its rows are one slot's (a row per CPU id).
 */
class LookedUpRows implements RowSource {
	readonly view: DataView;
	readonly #fd: number;
	readonly #values: Buffer;
	readonly #key = Buffer.alloc(4);

	constructor(fd: number, rows: number) {
		this.#fd = fd;
		this.#values = Buffer.alloc(rows * ROW_SIZE);
		this.view = viewOf(this.#values);
	}

	read(rows: number): void {
		for (let row = 0; row < rows; row++) {
			this.#key.writeUInt32LE(row);
			check('read counters', libbpf().mapLookupElem(this.#fd, this.#key, this.#values.subarray(row * ROW_SIZE, (row + 1) * ROW_SIZE)));
		}
	}

	close(): void {}
}

const CLASSES = PROTO_CLASSES.length;

/**
 * One counters map: an array of a row per CPU id per slot, each row a counter pair per
 * class. Slots are read from the first up to the highest slot anyone reads, in one read that
 * serves every slot once within a round: reading a slot again, or reading after invalidate() (the
 * end of a monitor tick, a slot zeroed or handed out), reads the map again. So no read is older
 * than its round, and a round over all slots costs one copy of the mapped map.
 */
export class CounterTable {
	/** A map of this process or a proven one, mapped into memory (it must be BPF_F_MMAPABLE). */
	static mapped(fd: number, rows: number): CounterTable {
		return new CounterTable(new MappedRows(fd, rows), rows);
	}

	/** A map bound to a device (hardware offload): looked up. */
	static lookedUp(fd: number, rows: number): CounterTable {
		return new CounterTable(new LookedUpRows(fd, rows), rows);
	}

	readonly #slots: number;
	readonly #cpus = cpuRowsPerSlot();
	readonly #source: RowSource;
	/** Slots [0, #wanted) are read; grown by want(). */
	#wanted = 0;
	/**
	 * Which read each slot was last handed out from (reads are numbered from 1): a slot read
	 * twice from one read means a new round. A number per slot, as a Set costs more than the sum.
	 */
	readonly #servedFrom: Uint32Array;
	#read = 0;
	#stale = true;
	#closed = false;
	/** Where #totalsOf has its sums put: an array per call would be garbage every tick. */
	readonly #sums = new Float64Array(2);
	/** Each slot's last totals, with the sums they were made from: a slot that counted nothing since keeps its object. */
	readonly #lastTotals: Array<{readonly packets: number; readonly bytes: number; readonly counters: XdpCounters} | undefined> = [];

	private constructor(source: RowSource, rows: number) {
		this.#source = source;
		this.#slots = Math.floor(rows / this.#cpus);
		this.#servedFrom = new Uint32Array(this.#slots);
	}

	/** Includes that slot in every read from now on (the next one first). */
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
		if (this.#stale || this.#servedFrom[slot] === this.#read) {
			this.#readAll();
		}
		this.#servedFrom[slot] = this.#read;
		const totals = this.#totalsOf(slot);
		if (!withProtos) {
			return totals;
		}
		const {view} = this.#source;
		const first = this.#firstByte(slot);
		const protos: Datarec[] = [];
		for (let at = 0; at < CLASSES; at++) {
			protos.push(sumRecords(view, first + at * DATAREC_SIZE, this.#cpus, ROW_SIZE));
		}
		const perCpu: bigint[] = [];
		for (let cpu = 0; cpu < this.#cpus; cpu++) {
			perCpu.push(sumRecords(view, first + cpu * ROW_SIZE, CLASSES, DATAREC_SIZE).packets);
		}
		return {actions: totals.actions, protos, perCpu};
	}

	/** The next read reads the map again. */
	invalidate(): void {
		this.#stale = true;
	}

	/** Lets go of the map's memory: the table reads nothing after. */
	close(): void {
		this.#closed = true;
		this.#source.close();
	}

	/** Where a slot starts: its rows, one per CPU in CPU order. */
	#firstByte(slot: number): number {
		return slot * this.#cpus * ROW_SIZE;
	}

	/** A slot's total: every class on every CPU. */
	#totalsOf(slot: number): XdpCounters {
		const {view} = this.#source;
		const first = this.#firstByte(slot);
		const sums = this.#sums;
		sumGridDatarecsAsDouble(view, first, this.#cpus, ROW_SIZE, CLASSES, sums);
		const packets = sums[0]!;
		const bytes = sums[1]!;
		const last = this.#lastTotals[slot];
		if (last && last.packets === packets && last.bytes === bytes) {
			return last.counters;
		}
		// The doubles are the exact sums unless one is NaN (past 2^53): only then sum again in BigInt.
		const total = Number.isNaN(packets) || Number.isNaN(bytes) ? sumGrid(view, first, this.#cpus, ROW_SIZE, CLASSES, DATAREC_SIZE) : {packets: BigInt(packets), bytes: BigInt(bytes)};
		const counters = {actions: actionsPassing(total)};
		this.#lastTotals[slot] = {packets, bytes, counters};
		return counters;
	}

	#readAll(): void {
		if (this.#closed) {
			throw new Error('the counters table is closed');
		}
		this.#source.read(this.#wanted * this.#cpus);
		// Kept within the Uint32Array's range, so what is stored is what is compared.
		this.#read = this.#read === 0xff_ff_ff_ff ? 1 : this.#read + 1;
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
