/** Reads kernel objects' info (programs, maps, links) by fd or id. */
import {type ReportedLink} from '../model/xdp.js';
import {isLinkFd} from './holders.js';
import {addressOf, check, closeFd, libbpf, readUint32} from './libbpf.js';

// struct bpf_prog_info (6.1 UAPI, x86-64); the kernel accepts a shorter or longer buffer.
const PROG_INFO_SIZE = 232;
const PROG_TAG = 8;
const PROG_JITED_LEN = 16;
const PROG_LOAD_TIME = 40;
const PROG_UID = 48;
const PROG_NR_MAP_IDS = 52;
const PROG_MAP_IDS = 56;
const PROG_NAME_OFFSET = 64;
const PROG_BTF_ID = 128;
const PROG_FUNC_INFO_REC_SIZE = 132;
const PROG_FUNC_INFO = 136;
const PROG_NR_FUNC_INFO = 144;
const PROG_RUN_TIME_NS = 192;
const PROG_RUN_CNT = 200;
const MAX_MAP_IDS = 64;

// struct bpf_map_info
const MAP_INFO_SIZE = 88;
const MAP_TYPE = 0;
const MAP_KEY_SIZE = 8;
const MAP_VALUE_SIZE = 12;
const MAP_MAX_ENTRIES = 16;
const MAP_FLAGS = 20;
const MAP_NAME_OFFSET = 24;

// struct bpf_link_info: type, id, prog_id, then the union (8-aligned) whose xdp member is ifindex.
const LINK_INFO_SIZE = 64;
const LINK_TYPE_XDP = 6;

const OBJ_NAME_LEN = 16;

export interface ProgramInfo {
	readonly id: number;
	readonly name: string;
	/** Hex of the 8-byte instruction hash bpftool shows as "tag". */
	readonly tag: string;
	readonly mapIds: readonly number[];
	/** Kernel run-time stats: counted only while bpf_stats_enabled is on. */
	readonly runTimeNs: bigint;
	readonly runCount: bigint;
}

/** What does not change while a program lives: who loaded it, when, its size, its full name. */
export interface ProgramDetails {
	readonly id: number;
	/** Boot-time nanoseconds (CLOCK_BOOTTIME) when it was loaded. */
	readonly loadTimeNs: bigint;
	readonly uid: number;
	/** Bytes of native code; 0 when not JIT-compiled. */
	readonly jitedBytes: number;
	readonly mapIds: readonly number[];
	/** Its main function's name from BTF (the kernel cuts program names at 15 bytes); undefined without BTF. */
	readonly functionName: string | undefined;
}

export interface MapInfo {
	readonly id: number;
	readonly name: string;
	/** enum bpf_map_type */
	readonly type: number;
	readonly keySize: number;
	readonly valueSize: number;
	readonly maxEntries: number;
	readonly flags: number;
}

export type XdpLinkInfo = ReportedLink;

function cString(buffer: Buffer, offset: number): string {
	const raw = buffer.subarray(offset, offset + OBJ_NAME_LEN);
	const end = raw.indexOf(0);
	return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

function objectInfo(fd: number, size: number, prepare?: (info: Buffer) => void): Buffer {
	const info = Buffer.alloc(size);
	prepare?.(info);
	const length = Buffer.alloc(4);
	length.writeUInt32LE(size);
	check('read object info', libbpf().objGetInfoByFd(fd, info, length));
	return info;
}

export function programInfoByFd(fd: number): ProgramInfo {
	const mapIds = Buffer.alloc(4 * MAX_MAP_IDS);
	const info = objectInfo(fd, PROG_INFO_SIZE, buffer => {
		buffer.writeUInt32LE(MAX_MAP_IDS, PROG_NR_MAP_IDS);
		buffer.writeBigUInt64LE(addressOf(mapIds), PROG_MAP_IDS);
	});
	const mapCount = Math.min(info.readUInt32LE(PROG_NR_MAP_IDS), MAX_MAP_IDS);
	return {
		id: info.readUInt32LE(4),
		name: cString(info, PROG_NAME_OFFSET),
		tag: info.subarray(PROG_TAG, PROG_TAG + 8).toString('hex'),
		mapIds: Array.from({length: mapCount}, (_, index) => mapIds.readUInt32LE(index * 4)),
		runTimeNs: info.readBigUInt64LE(PROG_RUN_TIME_NS),
		runCount: info.readBigUInt64LE(PROG_RUN_CNT),
	};
}

/** struct bpf_func_info: insn_off, type_id (u32 each). */
const FUNC_INFO_SIZE = 8;

function functionName(btfId: number, typeId: number): string | undefined {
	const api = libbpf();
	const btf = api.btfLoadById(btfId);
	if (btf === null || btf === 0n) {
		return undefined;
	}
	try {
		const type = api.btfTypeById(btf, typeId);
		// struct btf_type starts with name_off.
		return type === null || type === 0n ? undefined : api.btfNameByOffset(btf, readUint32(type, 0)) || undefined;
	} finally {
		api.btfFree(btf);
	}
}

export function programDetailsByFd(fd: number): ProgramDetails {
	const mapIds = Buffer.alloc(4 * MAX_MAP_IDS);
	// The first record is the main function (instruction offset 0); the rest are not asked for.
	const funcInfo = Buffer.alloc(FUNC_INFO_SIZE);
	const info = objectInfo(fd, PROG_INFO_SIZE, buffer => {
		buffer.writeUInt32LE(MAX_MAP_IDS, PROG_NR_MAP_IDS);
		buffer.writeBigUInt64LE(addressOf(mapIds), PROG_MAP_IDS);
		buffer.writeUInt32LE(1, PROG_NR_FUNC_INFO);
		buffer.writeUInt32LE(FUNC_INFO_SIZE, PROG_FUNC_INFO_REC_SIZE);
		buffer.writeBigUInt64LE(addressOf(funcInfo), PROG_FUNC_INFO);
	});
	const mapCount = Math.min(info.readUInt32LE(PROG_NR_MAP_IDS), MAX_MAP_IDS);
	const btfId = info.readUInt32LE(PROG_BTF_ID);
	const hasFunction = btfId !== 0 && info.readUInt32LE(PROG_NR_FUNC_INFO) > 0;
	return {
		id: info.readUInt32LE(4),
		loadTimeNs: info.readBigUInt64LE(PROG_LOAD_TIME),
		uid: info.readUInt32LE(PROG_UID),
		jitedBytes: info.readUInt32LE(PROG_JITED_LEN),
		mapIds: Array.from({length: mapCount}, (_, index) => mapIds.readUInt32LE(index * 4)),
		functionName: hasFunction ? functionName(btfId, funcInfo.readUInt32LE(4)) : undefined,
	};
}

export function programDetails(id: number): ProgramDetails {
	return withProgramFd(id, programDetailsByFd);
}

export function mapInfoByFd(fd: number): MapInfo {
	const info = objectInfo(fd, MAP_INFO_SIZE);
	return {
		id: info.readUInt32LE(4),
		name: cString(info, MAP_NAME_OFFSET),
		type: info.readUInt32LE(MAP_TYPE),
		keySize: info.readUInt32LE(MAP_KEY_SIZE),
		valueSize: info.readUInt32LE(MAP_VALUE_SIZE),
		maxEntries: info.readUInt32LE(MAP_MAX_ENTRIES),
		flags: info.readUInt32LE(MAP_FLAGS),
	};
}

/** Runs fn with an fd for the program of that id; the fd is closed afterwards. */
export function withProgramFd<T>(id: number, fn: (fd: number) => T): T {
	const fd = check(`open program ${id}`, libbpf().progGetFdById(id));
	try {
		return fn(fd);
	} finally {
		closeFd(fd);
	}
}

export function programInfo(id: number): ProgramInfo {
	return withProgramFd(id, programInfoByFd);
}

/** Every XDP bpf_link in this network namespace's view (link ids are global; ifindex is per netns). */
export function xdpLinks(): XdpLinkInfo[] {
	const api = libbpf();
	const links: XdpLinkInfo[] = [];
	const next = Buffer.alloc(4);
	let id = 0;
	while (api.linkGetNextId(id, next) === 0) {
		id = next.readUInt32LE(0);
		const fd = api.linkGetFdById(id);
		if (fd < 0) {
			continue; // Went away between the two calls.
		}
		try {
			const info = objectInfo(fd, LINK_INFO_SIZE);
			if (info.readUInt32LE(0) === LINK_TYPE_XDP) {
				links.push({linkId: id, progId: info.readUInt32LE(8), ifindex: info.readUInt32LE(16)});
			}
		} catch {
			// A link we cannot read is not one we can name; leave it out.
		} finally {
			closeFd(fd);
		}
	}
	return links;
}

/** The XDP link behind an fd; undefined when the fd is no link, or a link of another kind. */
export function linkInfoByFd(fd: number): XdpLinkInfo | undefined {
	// bpf_link_info and bpf_map_info share their first fields: a map's info would read as a link's.
	if (!isLinkFd(fd)) {
		return undefined;
	}
	const info = objectInfo(fd, LINK_INFO_SIZE);
	if (info.readUInt32LE(0) !== LINK_TYPE_XDP) {
		return undefined;
	}
	// ifindex 0: the interface went away and the link is defunct.
	return {linkId: info.readUInt32LE(4), progId: info.readUInt32LE(8), ifindex: info.readUInt32LE(16)};
}
