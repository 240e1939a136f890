/** Reads our per-CPU counter maps, summing the CPUs. */
import {packetsPerCpu, sumPerCpu, perCpuStride, totalOf, ZERO_DATAREC, type Datarec, type XdpCounters} from '../model/counters.js';
import {DATAREC_SIZE, PROTO_CLASSES, XDP_ACTIONS} from './abi.js';
import {check, libbpf} from './libbpf.js';

let possibleCpus: number | undefined;

/** libbpf's count of possible CPUs (what per-CPU maps are sized by), not the online ones. */
export function possibleCpuCount(): number {
	possibleCpus ??= check('count possible CPUs', libbpf().numPossibleCpus());
	return possibleCpus;
}

const ENOENT = 2;

/** Reads a whole per-CPU array of datarecs; buffers are reused across ticks. */
export class PerCpuArrayReader {
	readonly #fd: number;
	readonly #keys: number;
	readonly #cpus = possibleCpuCount();
	readonly #values: Buffer;
	readonly #keyBuffer: Buffer;
	readonly #outBatch = Buffer.alloc(4);
	readonly #count = Buffer.alloc(4);

	constructor(fd: number, keys: number) {
		this.#fd = fd;
		this.#keys = keys;
		this.#values = Buffer.alloc(keys * this.#cpus * perCpuStride(DATAREC_SIZE));
		this.#keyBuffer = Buffer.alloc(keys * 4);
	}

	/** One batch lookup for all keys (cheaper than a lookup per key). */
	read(): Datarec[] {
		this.#count.writeUInt32LE(this.#keys);
		const result = libbpf().mapLookupBatch(
			this.#fd,
			null,
			this.#outBatch,
			this.#keyBuffer,
			this.#values,
			this.#count,
			null,
		);
		// ENOENT means "that was the last batch", with every key read.
		if (result < 0 && -result !== ENOENT) {
			check('read counters', result);
		}
		return sumPerCpu(this.#values, this.#count.readUInt32LE(0), this.#cpus, DATAREC_SIZE);
	}

	/** Packets per CPU over every key, from the last read's buffer (no second lookup). */
	lastPerCpu(): bigint[] {
		return packetsPerCpu(this.#values, this.#count.readUInt32LE(0), this.#cpus, DATAREC_SIZE);
	}
}

/** Both counter maps of one program instance. */
export class CountersReader {
	readonly #actions: PerCpuArrayReader;
	readonly #protos: PerCpuArrayReader;

	constructor(actionsMapFd: number, protosMapFd: number) {
		this.#actions = new PerCpuArrayReader(actionsMapFd, XDP_ACTIONS.length);
		this.#protos = new PerCpuArrayReader(protosMapFd, PROTO_CLASSES.length);
	}

	/**
	 * Actions alone, or protocol classes with the actions derived from them: one batch lookup
	 * either way. Our program passes every frame and counts it once in each map, so PASS is the
	 * sum of the classes; two lookups would be taken at two moments, and the PASS row and the
	 * protocol rows would then disagree by the frames that arrived in between.
	 */
	read(withProtos = true): XdpCounters {
		if (!withProtos) {
			return {actions: this.#actions.read()};
		}
		const protos = this.#protos.read();
		const pass = totalOf(protos);
		// Every frame is counted once among the classes: their per-CPU sums are the frames per CPU.
		return {actions: XDP_ACTIONS.map(action => (action === 'PASS' ? pass : ZERO_DATAREC)), protos, perCpu: this.#protos.lastPerCpu()};
	}
}
