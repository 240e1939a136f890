/**
 * Which processes hold a BPF link open, from /proc/PID/fdinfo (bpftool's own way needs a BPF
 * iterator, which this kind of host refuses). A pin is a kept attachment only while no process
 * holds its link: a link pinned from under a running xdptop is that process's, not a --keep.
 */
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {readdir, readFile, readlink} from 'node:fs/promises';

// The kernel names a link's anonymous inode `bpf_link` when it creates the link and `bpf-link`
// when it opens one from a pin or by id (programs are bpf-prog, maps bpf-map).
const LINK_FDS: ReadonlySet<string> = new Set(['anon_inode:bpf_link', 'anon_inode:bpf-link']);

/** The fd is a BPF link (a map or program pinned under a link's name is not). */
export function isLinkFd(fd: number): boolean {
	try {
		return LINK_FDS.has(readlinkSync(`/proc/self/fd/${fd}`));
	} catch {
		return false;
	}
}

function entries(path: string): string[] {
	try {
		return readdirSync(path);
	} catch {
		return []; // The process ended meanwhile.
	}
}

/** PIDs other than this one that hold an fd of the link with that id. */
export function linkHolders(linkId: number): number[] {
	const holders: number[] = [];
	const marker = new RegExp(`^link_id:\\s+${linkId}$`, 'm');
	for (const pid of entries('/proc')) {
		if (!/^\d+$/.test(pid) || Number(pid) === process.pid) {
			continue;
		}
		for (const fd of entries(`/proc/${pid}/fd`)) {
			try {
				if (LINK_FDS.has(readlinkSync(`/proc/${pid}/fd/${fd}`)) && marker.test(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))) {
					holders.push(Number(pid));
					break;
				}
			} catch {
				// Closed meanwhile.
			}
		}
	}
	return holders;
}

/** A process holding a BPF object open. */
export interface Holder {
	readonly pid: number;
	/** /proc/PID/comm: at most 15 bytes. */
	readonly command: string;
}

const PROG_FDS: ReadonlySet<string> = new Set(['anon_inode:bpf-prog']);

/** Holders by program id and by link id. */
export interface BpfHolders {
	readonly programs: ReadonlyMap<number, Holder[]>;
	readonly links: ReadonlyMap<number, Holder[]>;
}

async function entriesOf(path: string): Promise<string[]> {
	try {
		return await readdir(path);
	} catch {
		return []; // The process ended meanwhile.
	}
}

/**
 * Every process's BPF program and link fds, in one walk of /proc: holders by program id and by
 * link id (this process included). A host with thousands of processes has a hundred thousand fds
 * or more to look at, so the walk is asynchronous: it never stalls the screen, however long.
 */
export async function bpfHolders(): Promise<BpfHolders> {
	const programs = new Map<number, Holder[]>();
	const links = new Map<number, Holder[]>();
	const add = (map: Map<number, Holder[]>, id: number, holder: Holder) => {
		const list = map.get(id) ?? [];
		if (!list.some(known => known.pid === holder.pid)) {
			list.push(holder);
		}
		map.set(id, list);
	};
	for (const pid of await entriesOf('/proc')) {
		if (!/^\d+$/.test(pid)) {
			continue;
		}
		let holder: Holder | undefined;
		for (const fd of await entriesOf(`/proc/${pid}/fd`)) {
			try {
				const target = await readlink(`/proc/${pid}/fd/${fd}`);
				const isLink = LINK_FDS.has(target);
				if (!isLink && !PROG_FDS.has(target)) {
					continue;
				}
				const match = (isLink ? /^link_id:\s+(\d+)$/m : /^prog_id:\s+(\d+)$/m).exec(await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
				if (match) {
					holder ??= {pid: Number(pid), command: (await readFile(`/proc/${pid}/comm`, 'utf8')).trimEnd()};
					add(isLink ? links : programs, Number(match[1]), holder);
				}
			} catch {
				// Closed, or the process ended, meanwhile.
			}
		}
	}
	return {programs, links};
}
