/**
 * The counters maps this process creates, shared by all its attachments: each attachment's
 * program instance counts in the rows of its own slot (a row per CPU id). A map is only
 * ever written by the programs given its slots, and slots are handed out by this process alone:
 * another xdptop has maps of its own. Maps grow by doubling (16, 32, 64 ... slots), since a map's
 * size is fixed at creation and every slot is paid for on every CPU.
 */
import {BPF_F_MMAPABLE, BPF_MAP_TYPE_ARRAY, COUNTERS_MAP, ROW_SIZE} from './abi.js';
import {mapInfoByFd} from './info.js';
import {check, closeFd, libbpf, mapCreateOpts} from './libbpf.js';
import {CounterTable, cpuRowsPerSlot} from './maps.js';


const FIRST_MAP_SLOTS = 16;

/** One slot: the map's fd (borrowed, valid while the slots live) and the table that reads it. */
export interface CounterSlot {
	readonly table: CounterTable;
	readonly mapFd: number;
	readonly mapId: number;
	readonly slot: number;
	/** The slot's row for CPU 0, where its program instance is told to count from. */
	readonly firstRow: number;
}

interface SlotMap {
	readonly fd: number;
	readonly id: number;
	readonly table: CounterTable;
	readonly slots: number;
	/** Slots never handed out start here. */
	next: number;
	/** Slots handed back, oldest first: reused last, as a detached program may still finish a frame. */
	readonly freed: number[];
}

export class CounterSlots {
	readonly #maps: SlotMap[] = [];

	/** A slot whose counters are all zero. */
	allocate(): CounterSlot {
		const fresh = this.#maps.find(candidate => candidate.next < candidate.slots);
		const reusable = fresh ? undefined : this.#maps.find(candidate => candidate.freed.length > 0);
		if (reusable) {
			const slot = reusable.freed.shift()!;
			this.#zero(reusable, slot);
			return this.#slot(reusable, slot);
		}
		const map = fresh ?? this.#create();
		return this.#slot(map, map.next++);
	}

	/** Gives a slot back once its program is detached; it is zeroed when handed out again. */
	free(slot: CounterSlot): void {
		const map = this.#maps.find(candidate => candidate.fd === slot.mapFd);
		if (map && !map.freed.includes(slot.slot)) {
			map.freed.push(slot.slot);
		}
	}

	/** Closes this process's fds and mappings of the maps; programs still attached (kept) hold their own references. */
	close(): void {
		for (const map of this.#maps.splice(0)) {
			map.table.close();
			closeFd(map.fd);
		}
	}

	#create(): SlotMap {
		const last = this.#maps.at(-1);
		const slots = last ? last.slots * 2 : FIRST_MAP_SLOTS;
		const rows = slots * cpuRowsPerSlot();
		const fd = check('create the counters map', libbpf().mapCreate(BPF_MAP_TYPE_ARRAY, COUNTERS_MAP, 4, ROW_SIZE, rows, mapCreateOpts(BPF_F_MMAPABLE)));
		try {
			const map: SlotMap = {fd, id: mapInfoByFd(fd).id, table: CounterTable.mapped(fd, rows), slots, next: 0, freed: []};
			this.#maps.push(map);
			return map;
		} catch (error) {
			closeFd(fd);
			throw error;
		}
	}

	/** Whether that map is one of this process's: only its own programs may count there. */
	owns(mapId: number): boolean {
		return this.#maps.some(map => map.id === mapId);
	}

	/** Every map's next read looks it up again (a new round). */
	invalidate(): void {
		for (const map of this.#maps) {
			map.table.invalidate();
		}
	}

	#slot(map: SlotMap, slot: number): CounterSlot {
		map.table.want(slot);
		map.table.invalidate(); // What it read before is not this slot's any more.
		return {table: map.table, mapFd: map.fd, mapId: map.id, slot, firstRow: slot * cpuRowsPerSlot()};
	}

	/** Through the kernel: the mapping is read-only. */
	#zero(map: SlotMap, slot: number): void {
		const key = Buffer.alloc(4);
		const zeros = Buffer.alloc(ROW_SIZE);
		const cpus = cpuRowsPerSlot();
		for (let row = slot * cpus; row < (slot + 1) * cpus; row++) {
			key.writeUInt32LE(row);
			check('zero a counters slot', libbpf().mapUpdateElem(map.fd, key, zeros, 0));
		}
	}
}
