/** Counter sets and per-CPU summing: pure functions over bytes the kernel handed back. */

export interface Datarec {
	readonly packets: bigint;
	readonly bytes: bigint;
}

export const ZERO_DATAREC: Datarec = {packets: 0n, bytes: 0n};

/** Per-CPU values are laid out one 8-byte-rounded value per possible CPU, for each key. */
export function perCpuStride(valueSize: number): number {
	return Math.ceil(valueSize / 8) * 8;
}

/**
 * Sums {packets, bytes} over every CPU for each of `keys` keys in a batch-lookup buffer
 * (key-major: key 0's CPUs, then key 1's ...).
 */
export function sumPerCpu(values: Buffer, keys: number, cpus: number, valueSize = 16): Datarec[] {
	const stride = perCpuStride(valueSize);
	const needed = keys * cpus * stride;
	if (values.length < needed) {
		throw new RangeError(`per-CPU buffer holds ${values.length} bytes, ${needed} needed`);
	}
	const sums: Datarec[] = [];
	for (let key = 0; key < keys; key++) {
		let packets = 0n;
		let bytes = 0n;
		for (let cpu = 0; cpu < cpus; cpu++) {
			const offset = (key * cpus + cpu) * stride;
			packets += values.readBigUInt64LE(offset);
			bytes += values.readBigUInt64LE(offset + 8);
		}
		sums.push({packets, bytes});
	}
	return sums;
}

/** Packets per CPU over all `keys` keys of a batch-lookup buffer: where the frames were counted. */
export function packetsPerCpu(values: Buffer, keys: number, cpus: number, valueSize = 16): bigint[] {
	const stride = perCpuStride(valueSize);
	const perCpu = Array.from({length: cpus}, () => 0n);
	for (let key = 0; key < keys; key++) {
		for (let cpu = 0; cpu < cpus; cpu++) {
			perCpu[cpu]! += values.readBigUInt64LE((key * cpus + cpu) * stride);
		}
	}
	return perCpu;
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
