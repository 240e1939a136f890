/**
 * What makes an XDP program provably xdptop's: its instruction tag equals the tag of the object
 * xdptop ships (read by loading that object, so it can never drift from the build), and its maps
 * are exactly the ABI's: a counters map with the ABI's type, flags, key size and value size, a
 * row per CPU id for each slot, and a frozen read-only .rodata holding the first row of a
 * slot inside it. A
 * name proves nothing: any root process can load a program called xdptop_stats with maps of any
 * layout, and reading such a map into our buffers would corrupt memory. The tag ignores which
 * maps (and which .rodata) the instructions reference, so the map check is what rules out our
 * code bound to foreign maps. The slot is read from the program's own .rodata, so a kept
 * attachment brings its slot back to whoever adopts it.
 */
import {readFileSync} from 'node:fs';
import {BPF_F_MMAPABLE, BPF_MAP_TYPE_ARRAY, COUNTERS_MAP, LEGACY_LAYOUTS, PROG_NAME, RODATA_MAP, RODATA_SIZE, ROW_SIZE, type LegacyMap} from './abi.js';
import {type OwnershipProof} from '../model/xdp.js';
import {linkInfoByFd, mapInfoByFd, programInfoByFd, type MapInfo, type XdpLinkInfo} from './info.js';
import {closeFd, libbpf, mapMapReadOnly} from './libbpf.js';
import {cpuRowsPerSlot} from './maps.js';
import {loadLegacyStatsObject, StatsObject} from './object.js';

const BPF_F_RDONLY_PROG = 1 << 7;

/** A proven program's counters: its map (fd for the holder to close), the map's rows, and its slot in it. */
export interface ProvenCounters {
	readonly mapFd: number;
	readonly mapId: number;
	/** max_entries: a row per CPU id for every slot. */
	readonly rows: number;
	readonly slot: number;
	/** The slot's row for CPU 0 (the program's .rodata). */
	readonly firstRow: number;
}

type Layout = 'current' | (typeof LEGACY_LAYOUTS)[number];
const shippedTags = new Map<Layout, string>();

function tagOf(layout: Layout): string {
	let tag = shippedTags.get(layout);
	if (tag === undefined) {
		const object = layout === 'current' ? StatsObject.load() : loadLegacyStatsObject(layout);
		try {
			tag = programInfoByFd(object.progFd).tag;
		} finally {
			object.close();
		}
		shippedTags.set(layout, tag);
	}
	return tag;
}

/** The tag of the program in the object xdptop ships: loaded once per process, then closed. */
export function shippedProgramTag(): string {
	return tagOf('current');
}

/** Mapped into memory to be read: so the flag that allows it, and no other. */
const isCounters = (info: MapInfo) =>
	info.name === COUNTERS_MAP &&
	info.type === BPF_MAP_TYPE_ARRAY &&
	info.flags === BPF_F_MMAPABLE &&
	info.keySize === 4 &&
	info.valueSize === ROW_SIZE &&
	info.maxEntries > 0 &&
	info.maxEntries % cpuRowsPerSlot() === 0;

const isRodata = (info: MapInfo) =>
	info.name.endsWith(RODATA_MAP) &&
	info.type === BPF_MAP_TYPE_ARRAY &&
	info.keySize === 4 &&
	info.valueSize === RODATA_SIZE &&
	info.maxEntries === 1 &&
	(info.flags & BPF_F_RDONLY_PROG) !== 0;

/**
 * Whether the map behind fd is frozen: no one can write it from userspace any more (the kernel
 * says so only in fdinfo). A .rodata that is not could be rewritten after the proof, to count
 * elsewhere than the slot that was proven.
 */
function isFrozen(fd: number): boolean {
	try {
		return /^frozen:\s*1$/m.test(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
	} catch {
		return false;
	}
}

/** Opens a program's maps by id, with their info; undefined (all closed) when one is gone. */
function openMaps(mapIds: readonly number[]): Array<{fd: number; info: MapInfo}> | undefined {
	const opened: Array<{fd: number; info: MapInfo}> = [];
	for (const id of mapIds) {
		const fd = libbpf().mapGetFdById(id);
		let info: MapInfo | undefined;
		try {
			info = fd < 0 ? undefined : mapInfoByFd(fd);
		} catch {
			info = undefined;
		}
		if (!info) {
			if (fd >= 0) {
				closeFd(fd);
			}
			opened.forEach(map => closeFd(map.fd));
			return undefined;
		}
		opened.push({fd, info});
	}
	return opened;
}

/**
 * Whether the kernel lets the map be mapped into memory, as it will be read: it refuses a map
 * whose values hold a spin lock, a timer or a kernel pointer (by their BTF), whatever its flags
 * say, and our instructions load against such a map all the same.
 */
function isMappable(fd: number, rows: number): boolean {
	try {
		mapMapReadOnly(fd, rows * ROW_SIZE).unmap();
		return true;
	} catch {
		return false;
	}
}

function readFirstRow(rodataFd: number): number | undefined {
	const value = Buffer.alloc(RODATA_SIZE);
	return libbpf().mapLookupElem(rodataFd, Buffer.alloc(4), value) === 0 ? value.readUInt32LE(0) : undefined;
}

/**
 * Proves the program behind progFd is ours and opens its counters map. The maps are checked
 * through the very fds returned, so what was checked is what will be read. Undefined when
 * anything differs (or the program or a map is gone); never throws for a foreign program.
 */
export function proveByFd(progFd: number): ProvenCounters | undefined {
	let info;
	let tag: string;
	try {
		info = programInfoByFd(progFd);
		tag = shippedProgramTag();
	} catch {
		return undefined; // Gone, or our own object cannot be loaded: nothing can be proven ours.
	}
	if (info.tag !== tag || info.mapIds.length !== 2) {
		return undefined;
	}
	const maps = openMaps(info.mapIds);
	if (!maps) {
		return undefined;
	}
	const counters = maps.find(map => isCounters(map.info));
	const rodata = maps.find(map => isRodata(map.info) && isFrozen(map.fd));
	const firstRow = counters && rodata ? readFirstRow(rodata.fd) : undefined;
	const cpus = cpuRowsPerSlot();
	// The first row of a slot of this map: the program then counts in that slot's rows alone.
	const proven = counters && firstRow !== undefined && firstRow % cpus === 0 && firstRow < counters.info.maxEntries && isMappable(counters.fd, counters.info.maxEntries);
	for (const map of maps) {
		if (map !== counters || !proven) {
			closeFd(map.fd);
		}
	}
	return proven ? {mapFd: counters.fd, mapId: counters.info.id, rows: counters.info.maxEntries, slot: firstRow / cpus, firstRow} : undefined;
}

const matchesLegacy = (spec: LegacyMap, map: MapInfo) =>
	(spec.name.startsWith('.') ? map.name.endsWith(spec.name) : map.name === spec.name) &&
	map.type === spec.type &&
	map.keySize === 4 &&
	map.valueSize === spec.valueSize &&
	('exactly' in spec.entries ? map.maxEntries === spec.entries.exactly : map.maxEntries > 0 && map.maxEntries % spec.entries.multipleOf === 0);

/**
 * An earlier layout's program (bpf/legacy/): its tag, and exactly its maps. Proven only so that
 * `--cleanup` can remove what an older xdptop kept; nothing of it is read.
 */
function isLegacyOurs(progFd: number): boolean {
	try {
		const info = programInfoByFd(progFd);
		const layout = LEGACY_LAYOUTS.find(candidate => candidate.maps.length === info.mapIds.length && info.tag === tagOf(candidate));
		const maps = layout && openMaps(info.mapIds);
		if (!layout || !maps) {
			return false;
		}
		maps.forEach(map => closeFd(map.fd));
		const specs: readonly LegacyMap[] = layout.maps;
		return specs.every(spec => maps.some(({info: map}) => matchesLegacy(spec, map)));
	} catch {
		return false;
	}
}

/** What `use` says of the program of that id, through an fd closed after; `gone` when it is gone. */
function withProgramById<T>(progId: number, use: (progFd: number) => T, gone: T): T {
	const fd = libbpf().progGetFdById(progId);
	if (fd < 0) {
		return gone;
	}
	try {
		return use(fd);
	} finally {
		closeFd(fd);
	}
}

/** proveByFd for a program id. */
export function proveById(progId: number): ProvenCounters | undefined {
	return withProgramById(progId, proveByFd, undefined);
}

/** A kept or adopted link, proven to hold our program; the holder closes progFd and the map fd. */
export interface ProvenLink {
	readonly link: XdpLinkInfo;
	readonly progFd: number;
	readonly counters: ProvenCounters;
}

/** The XDP link behind linkFd and an fd of the program it holds; undefined when either is gone. */
function openLinkProgram(linkFd: number): {link: XdpLinkInfo; progFd: number} | undefined {
	let link: XdpLinkInfo | undefined;
	try {
		link = linkInfoByFd(linkFd);
	} catch {
		return undefined;
	}
	const progFd = link ? libbpf().progGetFdById(link.progId) : -1;
	return link && progFd >= 0 ? {link, progFd} : undefined;
}

/** The XDP link behind linkFd, and the proof that the program it holds is ours. */
export function proveLink(linkFd: number): ProvenLink | undefined {
	const opened = openLinkProgram(linkFd);
	const counters = opened && proveByFd(opened.progFd);
	if (!opened || !counters) {
		if (opened) {
			closeFd(opened.progFd);
		}
		return undefined;
	}
	return {...opened, counters};
}

/** The XDP link behind linkFd when it holds an earlier layout's program (see isLegacyOurs). */
export function proveLegacyLink(linkFd: number): XdpLinkInfo | undefined {
	const opened = openLinkProgram(linkFd);
	if (!opened) {
		return undefined;
	}
	try {
		return isLegacyOurs(opened.progFd) ? opened.link : undefined;
	} finally {
		closeFd(opened.progFd);
	}
}

/** Closes what a proof opened. */
export function releaseProof(proven: ProvenLink): void {
	[proven.progFd, proven.counters.mapFd].forEach(closeFd);
}

/**
 * A verdict on a program id, decided once: program ids are not reused while the kernel's id space
 * lasts, so it is kept for the process's life (the cache is emptied past 4,096 programs).
 */
function remembered(verdicts: Map<number, boolean>, progId: number, decide: () => boolean): boolean {
	let verdict = verdicts.get(progId);
	if (verdict === undefined) {
		verdict = decide();
		if (verdicts.size > 4096) {
			verdicts.clear();
		}
		verdicts.set(progId, verdict);
	}
	return verdict;
}

const ourVerdicts = new Map<number, boolean>();
const olderVerdicts = new Map<number, boolean>();

/** Whether the attached program of that id is ours, for display (● and "ours"). */
export function isProvenOurs(progId: number, tag: string): boolean {
	return remembered(ourVerdicts, progId, () => proveOurs(progId, tag));
}

/**
 * Whether the attached program of that id is an older xdptop's (see isLegacyOurs), so that
 * `list` and a refused attach can say that `--cleanup` removes it. Only a program with our name is
 * looked at: no other can be one.
 */
export function isOlderXdptop(progId: number, progName: string): boolean {
	return progName === PROG_NAME && remembered(olderVerdicts, progId, () => withProgramById(progId, isLegacyOurs, false));
}

/** The two proofs as xdpStateOf and ownershipOf take them. */
export const provenOurs: OwnershipProof = program => isProvenOurs(program.progId, program.tag);
export const provenOlderXdptop: OwnershipProof = program => isOlderXdptop(program.progId, program.progName);

function proveOurs(progId: number, tag: string): boolean {
	let ours = false;
	try {
		ours = tag === shippedProgramTag();
	} catch {
		ours = false;
	}
	if (ours) {
		const counters = proveById(progId);
		ours = counters !== undefined;
		if (counters) {
			closeFd(counters.mapFd);
		}
	}
	return ours;
}
