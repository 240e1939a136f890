/**
 * xdptop's tracepoint programs (bpf/xdp_exceptions.bpf.c) attached to the raw tracepoints
 * xdp_exception and xdp_redirect_err: the exceptions of every XDP program on the host, ours or
 * not, in any mode and any network namespace. Attached through bpf_links this process holds and
 * never pins: they go away with it, however it ends. One batch lookup reads the whole table, and
 * only when the programs' count of events (mapped into memory) moved: on a host where nothing
 * fails, a tick costs a read of memory.
 */
import {existsSync} from 'node:fs';
import {EXCEPTION_EVENTS_MAP, EXCEPTION_KEY_SIZE, EXCEPTION_KEYS_MAX, EXCEPTION_LOST, EXCEPTION_PROGRAMS, EXCEPTIONS_MAP} from './abi.js';
import {check, checkPointer, closeFd, libbpf, mapMapReadOnly, type MappedMap, type Pointer} from './libbpf.js';
import {possibleCpuCount} from './maps.js';
import {loadExceptionsObject, type LoadedObject} from './object.js';
import {exceptionKey, type ExceptionEntry, type ExceptionReading} from '../model/exceptions.js';

const ENOENT = 2;
/** Three quarters full: time to remove what can no longer count. */
const PRUNE_AT = (EXCEPTION_KEYS_MAX * 3) / 4;
/** Keys per batch lookup: the buffers stay small on hosts with many CPUs. */
const BATCH_KEYS = 128;
/** CO-RE finds the fields the programs read in the kernel's own type information. */
const KERNEL_BTF = '/sys/kernel/btf/vmlinux';

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
				const at = index * EXCEPTION_KEY_SIZE;
				const netnsCookie = this.#keys.readBigUInt64LE(at);
				const progId = this.#keys.readUInt32LE(at + 8);
				const ifindex = this.#keys.readUInt32LE(at + 12);
				const action = this.#keys.readUInt32LE(at + 16);
				let count = 0n;
				for (let cpu = 0; cpu < this.#cpus; cpu++) {
					count += this.#values.readBigUInt64LE((index * this.#cpus + cpu) * 8);
				}
				if (action === EXCEPTION_LOST) {
					lost += count;
				} else if (count > 0n) {
					entries.set(exceptionKey(netnsCookie, progId, ifindex, action), {netnsCookie, progId, ifindex, action, count});
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

/**
 * The table's readings, read again only when the programs' count of events (a u64 mapped into
 * memory) moved: where nothing fails, a reading costs one read of memory, not a batch lookup that
 * walks all 4,096 buckets. A count of events that moved is trusted only once the next full read
 * sees it too: where the CPU may show the count of events before the count it follows, that
 * next read finds the count.
 */
export class ExceptionReadings {
	readonly #events: MappedMap;
	readonly #readTable: (atMs: number) => ExceptionReading;
	#last: ExceptionReading | undefined;
	/** The count of events at the last full read. */
	#eventsAtLastRead: bigint | undefined;
	/** A count of events two full reads in a row saw: the table has not changed since the second. */
	#eventsSettled: bigint | undefined;
	#closed = false;

	/** Takes the mapping over: close() unmaps it. */
	constructor(events: MappedMap, readTable: (atMs: number) => ExceptionReading) {
		this.#events = events;
		this.#readTable = readTable;
	}

	read(atMs: number): ExceptionReading {
		if (this.#closed) {
			throw new Error('the exception table is closed'); // Its mapping is gone: a read would fault.
		}
		const events = this.#events.counters[0]!;
		if (this.#last && events === this.#eventsSettled) {
			return {atMs, entries: this.#last.entries, lost: this.#last.lost};
		}
		this.#eventsSettled = events === this.#eventsAtLastRead ? events : undefined;
		this.#eventsAtLastRead = events;
		this.#last = this.#readTable(atMs);
		return this.#last;
	}

	close(): void {
		this.#closed = true;
		this.#events.unmap();
	}
}

export class ExceptionCounter {
	/** Loads and attaches both programs; throws with a one-line reason where this host cannot. */
	static start(): ExceptionCounter {
		if (!existsSync(KERNEL_BTF)) {
			throw new Error(`this kernel has no BTF (${KERNEL_BTF}), which the tracepoint programs need`);
		}
		const object = loadExceptionsObject();
		const links: Pointer[] = [];
		let events: MappedMap | undefined;
		try {
			reserveLostKey(object.mapFd(EXCEPTIONS_MAP));
			events = mapMapReadOnly(object.mapFd(EXCEPTION_EVENTS_MAP), 8);
			for (const [tracepoint, program] of Object.entries(EXCEPTION_PROGRAMS)) {
				links.push(checkPointer(`attach ${program} to ${tracepoint}`, libbpf().programAttachRawTracepoint(object.program(program), tracepoint)));
			}
			return new ExceptionCounter(object, links, events);
		} catch (error) {
			for (const link of links) {
				libbpf().linkDestroy(link);
			}
			events?.unmap();
			object.close();
			throw error;
		}
	}

	readonly #object: LoadedObject;
	readonly #links: Pointer[];
	readonly #reader: ExceptionTableReader;
	readonly #readings: ExceptionReadings;
	#closed = false;

	private constructor(object: LoadedObject, links: Pointer[], events: MappedMap) {
		this.#object = object;
		this.#links = links;
		this.#reader = new ExceptionTableReader(object.mapFd(EXCEPTIONS_MAP));
		this.#readings = new ExceptionReadings(events, atMs => this.#readPruned(atMs));
	}

	/** The whole table as it is now (read again only when the programs counted since). */
	read(atMs: number): ExceptionReading {
		return this.#readings.read(atMs);
	}

	/** When the table is filling up, the keys of programs that are gone are removed first. */
	#readPruned(atMs: number): ExceptionReading {
		const reading = this.#reader.read(atMs);
		if (reading.entries.size < PRUNE_AT || !pruneGone(this.#object.mapFd(EXCEPTIONS_MAP), reading)) {
			return reading;
		}
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
		this.#readings.close();
		this.#object.close();
	}
}

/**
 * Removes the keys of programs the kernel no longer has (none of them can count again: ids are not
 * reused), so that a long run with programs coming and going does not fill the table; true when
 * any went.
 */
export function pruneGone(mapFd: number, reading: ExceptionReading): boolean {
	const api = libbpf();
	const gone = new Map<number, boolean>();
	const key = Buffer.alloc(EXCEPTION_KEY_SIZE);
	let removed = false;
	for (const entry of reading.entries.values()) {
		let isGone = gone.get(entry.progId);
		if (isGone === undefined) {
			const fd = api.progGetFdById(entry.progId);
			isGone = fd === -ENOENT;
			closeFd(fd);
			gone.set(entry.progId, isGone);
		}
		if (isGone) {
			key.fill(0);
			key.writeBigUInt64LE(entry.netnsCookie, 0);
			key.writeUInt32LE(entry.progId, 8);
			key.writeUInt32LE(entry.ifindex, 12);
			key.writeUInt32LE(entry.action, 16);
			removed = api.mapDeleteElem(mapFd, key) === 0 || removed;
		}
	}
	return removed;
}

/** Events that find the table full land on a key no program has (id 0), made before any event. */
export function reserveLostKey(mapFd: number): void {
	const key = Buffer.alloc(EXCEPTION_KEY_SIZE);
	key.writeUInt32LE(EXCEPTION_LOST, 16);
	check('prepare the exception table', libbpf().mapUpdateElem(mapFd, key, Buffer.alloc(possibleCpuCount() * 8), 0));
}
