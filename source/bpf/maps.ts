/** Reads our per-CPU counter maps, summing the CPUs. */
import {sumPerCpu, perCpuStride, type Datarec, type XdpCounters} from '../model/counters.js';
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
}

/** Both counter maps of one program instance. */
export class CountersReader {
	readonly #actions: PerCpuArrayReader;
	readonly #protos: PerCpuArrayReader;

	constructor(actionsMapFd: number, protosMapFd: number) {
		this.#actions = new PerCpuArrayReader(actionsMapFd, XDP_ACTIONS.length);
		this.#protos = new PerCpuArrayReader(protosMapFd, PROTO_CLASSES.length);
	}

	/** Actions always; protocol classes only when asked (one batch lookup each). */
	read(withProtos = true): XdpCounters {
		return withProtos ? {actions: this.#actions.read(), protos: this.#protos.read()} : {actions: this.#actions.read()};
	}
}
