/**
 * xdptop's tracepoint programs (bpf/xdp_exceptions.bpf.c) attached to xdp:xdp_exception and
 * xdp:xdp_redirect_err: the exceptions of every XDP program on the host, ours or not, in any mode.
 * Attached through bpf_links this process holds and never pins: they go away with it, however it
 * ends. One batch lookup reads the whole table.
 */
import {EXCEPTION_KEY_SIZE, EXCEPTION_KEYS_MAX, EXCEPTION_LOST, EXCEPTION_PROGRAMS, EXCEPTIONS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkLibc, checkPointer, closeFd, lastErrno, libbpf, type Pointer} from './libbpf.js';
import {possibleCpuCount} from './maps.js';
import {loadExceptionsObject, type LoadedObject} from './object.js';
import {xdpTracepoints, type TracepointFormat} from './tracefs.js';
import {exceptionKey, type ExceptionEntry, type ExceptionReading} from '../model/exceptions.js';

const PERF_TYPE_TRACEPOINT = 2;
/** PERF_ATTR_SIZE_VER7: every field up to it is 0 but type, size and config. */
const PERF_ATTR_SIZE = 128;
const PERF_FLAG_FD_CLOEXEC = 8;
const PERF_EVENT_OPEN: Readonly<Record<string, number>> = {x64: 298, arm64: 241};
const ENOENT = 2;
/** Keys per batch lookup: the buffers stay small on hosts with many CPUs. */
const BATCH_KEYS = 128;

/** What the programs read of each record (see the structs in the .bpf.c). */
const FIELDS_READ: Readonly<Record<string, {offset: number; size: number}>> = {
	prog_id: {offset: 8, size: 4},
	act: {offset: 12, size: 4},
	ifindex: {offset: 16, size: 4},
};

/** Why the running kernel's record differs from what the program reads, or undefined. */
export function layoutMismatch(format: TracepointFormat): string | undefined {
	for (const [name, expected] of Object.entries(FIELDS_READ)) {
		const field = format.fields.get(name);
		if (!field || field.offset !== expected.offset || field.size !== expected.size) {
			return `this kernel's xdp:${format.name} record has ${name} ${field ? `at offset ${field.offset}` : 'nowhere'}, not where xdptop reads it`;
		}
	}
	return undefined;
}

function openTracepoint(id: number): number {
	const syscall = PERF_EVENT_OPEN[process.arch];
	if (syscall === undefined) {
		throw new BpfError(`perf_event_open: no syscall number known for ${process.arch}`, 38);
	}
	const attr = Buffer.alloc(PERF_ATTR_SIZE);
	attr.writeUInt32LE(PERF_TYPE_TRACEPOINT, 0);
	attr.writeUInt32LE(PERF_ATTR_SIZE, 4);
	attr.writeBigUInt64LE(BigInt(id), 8);
	// pid -1, cpu 0: a tracepoint's BPF programs run on every CPU whatever CPU the event is opened on.
	return checkLibc('perf_event_open', libbpf().syscall(syscall, 'uint8_t *', attr, 'int', -1, 'int', 0, 'int', -1, 'unsigned long', PERF_FLAG_FD_CLOEXEC));
}

/** Reads the whole table, summed over CPUs: one batch lookup per 128 keys (one in all, usually). */
export class ExceptionTableReader {
	readonly #fd: number;
	readonly #cpus = possibleCpuCount();
	readonly #keys = Buffer.alloc(BATCH_KEYS * EXCEPTION_KEY_SIZE);
	readonly #values = Buffer.alloc(BATCH_KEYS * this.#cpus * 8);
	readonly #inBatch = Buffer.alloc(4);
	readonly #outBatch = Buffer.alloc(4);
	readonly #count = Buffer.alloc(4);

	constructor(mapFd: number) {
		this.#fd = mapFd;
	}

	read(atMs: number): ExceptionReading {
		const entries = new Map<string, ExceptionEntry>();
		let lost = 0n;
		for (let batch = 0; batch <= EXCEPTION_KEYS_MAX / BATCH_KEYS; batch++) {
			this.#count.writeUInt32LE(BATCH_KEYS);
			const result = libbpf().mapLookupBatch(this.#fd, batch === 0 ? null : this.#inBatch, this.#outBatch, this.#keys, this.#values, this.#count, null);
			if (result < 0 && -result !== ENOENT) {
				check('read the exception counts', result);
			}
			const read = this.#count.readUInt32LE(0);
			for (let index = 0; index < read; index++) {
				const progId = this.#keys.readUInt32LE(index * EXCEPTION_KEY_SIZE);
				const ifindex = this.#keys.readUInt32LE(index * EXCEPTION_KEY_SIZE + 4);
				const action = this.#keys.readUInt32LE(index * EXCEPTION_KEY_SIZE + 8);
				let count = 0n;
				for (let cpu = 0; cpu < this.#cpus; cpu++) {
					count += this.#values.readBigUInt64LE((index * this.#cpus + cpu) * 8);
				}
				if (action === EXCEPTION_LOST) {
					lost += count;
				} else if (count > 0n) {
					entries.set(exceptionKey(progId, ifindex, action), {progId, ifindex, action, count});
				}
			}
			if (result < 0) {
				break; // ENOENT: that was the last batch.
			}
			this.#outBatch.copy(this.#inBatch);
		}
		return {atMs, entries, lost};
	}
}

export class ExceptionCounter {
	/** Loads and attaches both programs; throws with a one-line reason where this host cannot. */
	static async start(): Promise<ExceptionCounter> {
		const formats = await xdpTracepoints(Object.keys(EXCEPTION_PROGRAMS));
		for (const format of formats.values()) {
			const mismatch = layoutMismatch(format);
			if (mismatch) {
				throw new Error(mismatch);
			}
		}
		const object = loadExceptionsObject();
		const links: Pointer[] = [];
		try {
			reserveLostKey(object.mapFd(EXCEPTIONS_MAP));
			for (const [event, program] of Object.entries(EXCEPTION_PROGRAMS)) {
				const perfFd = openTracepoint(formats.get(event)!.id);
				const link = libbpf().programAttachPerfEvent(object.program(program), perfFd);
				if (link === null || link === 0n) {
					const errno = lastErrno();
					closeFd(perfFd);
					checkPointer(`attach ${program} to xdp:${event}`, null, errno);
				}
				links.push(link!);
			}
			return new ExceptionCounter(object, links);
		} catch (error) {
			for (const link of links) {
				libbpf().linkDestroy(link);
			}
			object.close();
			throw error;
		}
	}

	readonly #object: LoadedObject;
	readonly #links: Pointer[];
	readonly #reader: ExceptionTableReader;
	#closed = false;

	private constructor(object: LoadedObject, links: Pointer[]) {
		this.#object = object;
		this.#links = links;
		this.#reader = new ExceptionTableReader(object.mapFd(EXCEPTIONS_MAP));
	}

	read(atMs: number): ExceptionReading {
		return this.#reader.read(atMs);
	}

	/** Detaches both programs and frees the table (the kernel does the same if this process dies). */
	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const link of this.#links.splice(0)) {
			libbpf().linkDestroy(link);
		}
		this.#object.close();
	}
}

/** Events that find the table full land on a key no program has (id 0), made before any event. */
export function reserveLostKey(mapFd: number): void {
	const key = Buffer.alloc(EXCEPTION_KEY_SIZE);
	key.writeUInt32LE(EXCEPTION_LOST, 8);
	check('prepare the exception table', libbpf().mapUpdateElem(mapFd, key, Buffer.alloc(possibleCpuCount() * 8), 0));
}
