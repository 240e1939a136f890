/** Counter sets and per-CPU summing: pure functions over bytes the kernel handed back. */

export interface Datarec {
	readonly packets: bigint;
	readonly bytes: bigint;
}

export const ZERO_DATAREC: Datarec = {packets: 0n, bytes: 0n};

/** A u64 whose high word is below this is under 2^52: several of them add up exactly as doubles. */
const SMALL_HIGH_WORD = 2 ** 20;
const TWO_32 = 2 ** 32;
/** struct datarec: packets, then bytes, each a u64. */
const DATAREC_BYTES = 16;

/** A view over a buffer's bytes: DataView's readers cost a tenth of Buffer's where they run per CPU per key per tick. */
export function viewOf(bytes: Uint8Array): DataView {
	return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * One u64 field of a key summed over every CPU as a double: exact, or NaN once a value reaches
 * 2^52 or the sum passes 2^53 - 1 (NaN equals nothing, so such a sum is never taken for an earlier one).
 */
export function sumAsDouble(view: DataView, first: number, cpus: number, stride: number): number {
	let sum = 0;
	for (let cpu = 0, offset = first; cpu < cpus; cpu++, offset += stride) {
		const high = view.getUint32(offset + 4, true);
		if (high >= SMALL_HIGH_WORD) {
			return Number.NaN;
		}
		sum += high * TWO_32 + view.getUint32(offset, true);
	}
	return sum <= Number.MAX_SAFE_INTEGER ? sum : Number.NaN;
}

/**
 * The packets and the bytes of a grid of datarecs, each summed as sumAsDouble sums (exact, or NaN),
 * into sums[0] and sums[1]: `rows` runs of `count` datarecs, the runs `rowStride` bytes apart (a
 * slot's classes on each of its CPUs' rows). Both in one pass, as a slot's totals are read every tick.
 */
export function sumGridDatarecsAsDouble(view: DataView, first: number, rows: number, rowStride: number, count: number, sums: Float64Array): void {
	let packets = 0;
	let bytes = 0;
	let highWords = 0;
	for (let row = 0, rowStart = first; row < rows; row++, rowStart += rowStride) {
		for (let index = 0, at = rowStart; index < count; index++, at += DATAREC_BYTES) {
			const packetsHigh = view.getUint32(at + 4, true);
			const bytesHigh = view.getUint32(at + 12, true);
			highWords |= packetsHigh | bytesHigh;
			packets += packetsHigh * TWO_32 + view.getUint32(at, true);
			bytes += bytesHigh * TWO_32 + view.getUint32(at + 8, true);
		}
	}
	// Every value was under 2^52, and the partial sums only grow: a total within range had every
	// partial sum within range, so each addition was exact.
	const underSmall = highWords >>> 0 < SMALL_HIGH_WORD;
	sums[0] = underSmall && packets <= Number.MAX_SAFE_INTEGER ? packets : Number.NaN;
	sums[1] = underSmall && bytes <= Number.MAX_SAFE_INTEGER ? bytes : Number.NaN;
}

/** sumRecords over a grid of datarecs laid out as sumGridDatarecsAsDouble's, exact in BigInt. */
export function sumGrid(view: DataView, first: number, rows: number, rowStride: number, count: number, stride: number): Datarec {
	let packets = 0n;
	let bytes = 0n;
	for (let row = 0, offset = first; row < rows; row++, offset += rowStride) {
		const sum = sumRecords(view, offset, count, stride);
		packets += sum.packets;
		bytes += sum.bytes;
	}
	return {packets, bytes};
}

/**
 * Copies `count` u64 counters that another CPU may be adding to meanwhile, so that each one copied
 * is a value the counter really held: each is read whole, with one aligned 64-bit load (what V8
 * makes of a BigUint64Array element on a 64-bit machine, and single-copy atomic on x86-64 and
 * arm64), as the BPF program stores it whole. Two 32-bit reads could pair a low word from before
 * a carry with a high word from after it. The elements are copied as they are, with no BigInt made.
 */
export function copyCounters(from: BigUint64Array, to: BigUint64Array, count: number): void {
	if (count > from.length || count > to.length) {
		throw new RangeError(`cannot copy ${count} counters between ${from.length} and ${to.length}`);
	}
	for (let index = 0; index < count; index++) {
		to[index] = from[index]!;
	}
}

/** The exact sum of `count` u64s `stride` bytes apart from `first`, with BigInt only past 2^53. */
function sumField(view: DataView, first: number, count: number, stride: number): bigint {
	const sum = sumAsDouble(view, first, count, stride);
	if (!Number.isNaN(sum)) {
		return BigInt(sum);
	}
	let exact = 0n;
	for (let index = 0, at = first; index < count; index++, at += stride) {
		exact += view.getBigUint64(at, true);
	}
	return exact;
}

/**
 * {packets, bytes} summed exactly over `count` datarecs `stride` bytes apart from `first`: a key's
 * CPUs, one class of a slot on every CPU, or every class and CPU of a slot (stride 16).
 */
export function sumRecords(view: DataView, first: number, count: number, stride: number): Datarec {
	const end = first + (count - 1) * stride + 16;
	if (count > 0 && view.byteLength < end) {
		throw new RangeError(`per-CPU buffer holds ${view.byteLength} bytes, ${end} needed`);
	}
	return {packets: sumField(view, first, count, stride), bytes: sumField(view, first + 8, count, stride)};
}

export function totalOf(records: readonly Datarec[]): Datarec {
	let packets = 0n;
	let bytes = 0n;
	for (const record of records) {
		packets += record.packets;
		bytes += record.bytes;
	}
	return {packets, bytes};
}

/** What our program counted on one interface, as read in one tick. */
export interface XdpCounters {
	readonly actions: readonly Datarec[];
	/** Left out when only the totals are needed: reading it costs as much as the actions. */
	readonly protos?: readonly Datarec[];
	/** Frames counted on each possible CPU (with protos: from the same read). */
	readonly perCpu?: readonly bigint[];
}
