/**
 * Which processes hold a BPF link open, from /proc/PID/fdinfo (bpftool's own way needs a BPF
 * iterator, which this kind of host refuses). A pin is a kept attachment only while no process
 * holds its link: a link pinned from under a running xdptop is that process's, not a --keep.
 */
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';

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
