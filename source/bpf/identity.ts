/**
 * What makes an XDP program provably xdptop's: its instruction tag equals the tag of the object
 * xdptop ships (read by loading that object, so it can never drift from the build), and its maps
 * are exactly the ABI's, with the ABI's type, key size, value size and entry count. A name proves
 * nothing: any root process can load a program called xdptop_stats with maps of any layout, and
 * reading such a map into our buffers would corrupt memory. The tag ignores which maps the
 * instructions reference, so the map check is what rules out our code bound to foreign maps.
 */
import {ACTIONS_MAP, DATAREC_SIZE, PROTO_CLASSES, PROTOS_MAP, XDP_ACTIONS} from './abi.js';
import {linkInfoByFd, mapInfoByFd, programInfoByFd, type XdpLinkInfo} from './info.js';
import {closeFd, libbpf} from './libbpf.js';
import {StatsObject} from './object.js';

const BPF_MAP_TYPE_PERCPU_ARRAY = 6;

interface MapSpec {
	readonly name: string;
	readonly maxEntries: number;
}

const EXPECTED_MAPS: readonly MapSpec[] = [
	{name: ACTIONS_MAP, maxEntries: XDP_ACTIONS.length},
	{name: PROTOS_MAP, maxEntries: PROTO_CLASSES.length},
];

/** fds of a proven program's counter maps; the holder closes them. */
export interface ProvenMaps {
	readonly actionsMapFd: number;
	readonly protosMapFd: number;
}

let shippedTag: string | undefined;

/** The tag of the program in the object xdptop ships: loaded once per process, then closed. */
export function shippedProgramTag(): string {
	if (shippedTag === undefined) {
		const object = StatsObject.load();
		try {
			shippedTag = programInfoByFd(object.progFd).tag;
		} finally {
			object.close();
		}
	}
	return shippedTag;
}

function matches(fd: number, spec: MapSpec): boolean {
	const info = mapInfoByFd(fd);
	return (
		info.name === spec.name &&
		info.type === BPF_MAP_TYPE_PERCPU_ARRAY &&
		info.keySize === 4 &&
		info.valueSize === DATAREC_SIZE &&
		info.maxEntries === spec.maxEntries
	);
}

/**
 * Proves the program behind progFd is ours and opens its counter maps. The maps are checked
 * through the very fds returned, so what was checked is what will be read. Undefined when
 * anything differs (or the program or a map is gone); never throws for a foreign program.
 */
export function proveByFd(progFd: number): ProvenMaps | undefined {
	let info;
	try {
		info = programInfoByFd(progFd);
	} catch {
		return undefined;
	}
	let tag: string;
	try {
		tag = shippedProgramTag();
	} catch {
		return undefined; // Our own object cannot be loaded: nothing can be proven ours.
	}
	if (info.tag !== tag || info.mapIds.length !== EXPECTED_MAPS.length) {
		return undefined;
	}
	const api = libbpf();
	const fds = new Map<string, number>();
	const release = () => fds.forEach(fd => closeFd(fd));
	for (const id of info.mapIds) {
		const fd = api.mapGetFdById(id);
		if (fd < 0) {
			release();
			return undefined;
		}
		let spec: MapSpec | undefined;
		try {
			spec = EXPECTED_MAPS.find(candidate => !fds.has(candidate.name) && matches(fd, candidate));
		} catch {
			spec = undefined;
		}
		if (!spec) {
			closeFd(fd);
			release();
			return undefined;
		}
		fds.set(spec.name, fd);
	}
	return {actionsMapFd: fds.get(ACTIONS_MAP)!, protosMapFd: fds.get(PROTOS_MAP)!};
}

/** proveByFd for a program id. */
export function proveById(progId: number): ProvenMaps | undefined {
	const fd = libbpf().progGetFdById(progId);
	if (fd < 0) {
		return undefined;
	}
	try {
		return proveByFd(fd);
	} finally {
		closeFd(fd);
	}
}

/** A kept or adopted link, proven to hold our program; the holder closes progFd and the map fds. */
export interface ProvenLink {
	readonly link: XdpLinkInfo;
	readonly progFd: number;
	readonly maps: ProvenMaps;
}

/** The XDP link behind linkFd, and the proof that the program it holds is ours. */
export function proveLink(linkFd: number): ProvenLink | undefined {
	let link: XdpLinkInfo | undefined;
	try {
		link = linkInfoByFd(linkFd);
	} catch {
		return undefined;
	}
	const progFd = link ? libbpf().progGetFdById(link.progId) : -1;
	if (!link || progFd < 0) {
		return undefined;
	}
	const maps = proveByFd(progFd);
	if (!maps) {
		closeFd(progFd);
		return undefined;
	}
	return {link, progFd, maps};
}

/** Closes what a proof opened. */
export function releaseProof(proven: ProvenLink): void {
	[proven.progFd, proven.maps.actionsMapFd, proven.maps.protosMapFd].forEach(closeFd);
}

const verdicts = new Map<number, boolean>();

/**
 * Whether the attached program of that id is ours, for display (● and "ours"). Program ids are
 * not reused while the kernel's id space lasts, so a verdict is kept for the process's life.
 */
export function isProvenOurs(progId: number, tag: string): boolean {
	const known = verdicts.get(progId);
	if (known !== undefined) {
		return known;
	}
	let ours = false;
	try {
		ours = tag === shippedProgramTag();
	} catch {
		ours = false;
	}
	if (ours) {
		const maps = proveById(progId);
		ours = maps !== undefined;
		if (maps) {
			closeFd(maps.actionsMapFd);
			closeFd(maps.protosMapFd);
		}
	}
	if (verdicts.size > 4096) {
		verdicts.clear();
	}
	verdicts.set(progId, ours);
	return ours;
}
