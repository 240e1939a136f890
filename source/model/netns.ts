/**
 * Network namespaces as `lsns -t net` finds them, from what /proc and /run/netns say: pure
 * parsing and merging, so it is tested without a kernel (net/namespaces.ts reads the files).
 */

/** How a namespace is known: its nsfs inode (never alone: see net/namespaces.ts) and who holds it. */
export interface NetnsLabel {
	readonly inode: number;
	/** Its name under /run/netns, or the path of another nsfs bind mount of it; null when none. */
	readonly name: string | null;
	/** A process in it (the lowest PID), and that process's command; null when none. */
	readonly pid: number | null;
	readonly command: string | null;
}

/** `net:[4026531840]` (the link text of /proc/PID/ns/net) -> 4026531840. */
export function parseNsLink(text: string): number | undefined {
	const match = /^net:\[(\d+)\]$/.exec(text);
	return match ? Number(match[1]) : undefined;
}

/** A mountinfo path field: octal escapes (\040 for a space) back to bytes, as latin1 text. */
function unescapeMountPath(field: string): string {
	return field.replaceAll(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The nsfs bind mounts of network namespaces in /proc/self/mountinfo: mount point and inode. */
export function nsfsMounts(mountinfo: string): Array<{readonly path: string; readonly inode: number}> {
	return mountinfo.split('\n').flatMap(line => {
		const [before, after] = line.split(' - ');
		const fields = before?.split(' ') ?? [];
		const fstype = after?.split(' ')[0];
		// Fields: id, parent, major:minor, root, mount point, ...; the root of an nsfs mount is net:[INODE].
		const inode = fields[3] === undefined ? undefined : parseNsLink(fields[3]);
		return fstype === 'nsfs' && inode !== undefined && fields[4] ? [{path: unescapeMountPath(fields[4]), inode}] : [];
	});
}

/** A name for the user: the /run/netns name, else another mount's path, else command:PID, else the inode. */
export function netnsTitle(label: NetnsLabel): string {
	if (label.name) {
		return label.name;
	}
	if (label.pid !== null) {
		return `${label.command ?? '?'}:${label.pid}`;
	}
	return `net:[${label.inode}]`;
}
