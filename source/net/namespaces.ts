/**
 * Every network namespace of the host, as `lsns -t net` finds them: named ones (/run/netns),
 * other nsfs bind mounts, those of running processes, and our own. Each is held by an open fd
 * while it is used: an inode alone names nothing once its namespace is freed (inodes are reused),
 * and a path can be replaced meanwhile. Every fd is checked to be an nsfs file of the inode its
 * path claimed, so nothing planted under /run/netns passes for a namespace.
 */
import {closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {enterNetworkNamespace, isNetworkNamespace} from '../bpf/netns.js';
import {escapeControl} from '../model/escape.js';
import {decodeIfname, ifnameBytes} from '../model/ifname.js';
import {nsfsMounts, parseNsLink, type NetnsLabel} from '../model/netns.js';
import {UsageError, type NetnsSelector} from '../options.js';

export interface HeldNetns extends NetnsLabel {
	/** Open on the namespace: it cannot go away, nor its inode be reused, while this is open. */
	readonly fd: number;
	/** The namespace xdptop runs in. */
	readonly own: boolean;
}

const NETNS_RUN_DIR = '/run/netns';

/** The device of nsfs: every namespace file lives on it. */
function nsfsDevice(): number {
	const fd = openSync('/proc/self/ns/net', constants.O_RDONLY);
	try {
		return fstatSync(fd).dev;
	} finally {
		closeSync(fd);
	}
}

/**
 * Opens `path` (bytes: names need not be UTF-8) as a network namespace: undefined unless it is a
 * network namespace's nsfs file (of `inode`, when given). Outside /proc, only a regular file is
 * opened, and never through a symlink; O_NONBLOCK keeps a FIFO swapped in meanwhile from
 * blocking. The kernel says what kind of namespace the fd holds: another kind mounted there does
 * not pass.
 */
function openNamespace(path: Buffer, device: number, inode?: number): {fd: number; inode: number} | undefined {
	const kernels = path.subarray(0, 6).toString('latin1') === '/proc/';
	let fd: number;
	try {
		if (!kernels && !lstatSync(path).isFile()) {
			return undefined;
		}
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (kernels ? 0 : constants.O_NOFOLLOW));
	} catch {
		return undefined;
	}
	const {dev, ino} = fstatSync(fd);
	if (dev !== device || (inode !== undefined && ino !== inode) || !isNetworkNamespace(fd)) {
		closeSync(fd);
		return undefined;
	}
	return {fd, inode: ino};
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

/** Every network namespace, ours first; the caller closes them (closeNamespaces). */
export function holdNamespaces(): HeldNetns[] {
	const device = nsfsDevice();
	const byInode = new Map<number, {fd: number; name: string | null; pid: number | null; command: string | null; own: boolean}>();
	const own = openNamespace(bytes('/proc/self/ns/net'), device)!;
	byInode.set(own.inode, {fd: own.fd, name: null, pid: null, command: null, own: true});
	const add = (path: Buffer, name: string | null, inode?: number) => {
		const opened = openNamespace(path, device, inode);
		if (!opened) {
			return;
		}
		const known = byInode.get(opened.inode);
		if (known) {
			closeSync(opened.fd);
			known.name ??= name;
			return;
		}
		byInode.set(opened.inode, {fd: opened.fd, name, pid: null, command: null, own: false});
	};
	// Names are bytes (ip netns takes any but /): read and kept as such, shown losslessly.
	let named: Buffer[] = [];
	try {
		named = readdirSync(NETNS_RUN_DIR, {encoding: 'buffer'}).sort(Buffer.compare);
	} catch {
		// No named namespaces on this host.
	}
	for (const name of named) {
		add(Buffer.concat([bytes(`${NETNS_RUN_DIR}/`), name]), decodeIfname(name));
	}
	let mountinfo = '';
	try {
		mountinfo = readFileSync('/proc/self/mountinfo', 'latin1');
	} catch {
		// No other mounts to look at.
	}
	for (const {path, inode} of nsfsMounts(mountinfo)) {
		if (!path.startsWith(`${NETNS_RUN_DIR}/`)) {
			add(bytes(path), decodeIfname(bytes(path)), inode);
		}
	}
	const pids = readdirSync('/proc').filter(entry => /^\d+$/.test(entry)).map(Number).sort((a, b) => a - b);
	for (const pid of pids) {
		let inode: number | undefined;
		try {
			inode = parseNsLink(readlinkSync(`/proc/${pid}/ns/net`));
		} catch {
			continue; // Gone, or a kernel thread.
		}
		if (inode === undefined) {
			continue;
		}
		if (!byInode.has(inode)) {
			add(bytes(`/proc/${pid}/ns/net`), null, inode);
		}
		const entry = byInode.get(inode);
		// Kernel threads (no command line) say nothing about who holds a namespace.
		if (entry && entry.pid === null && readText(`/proc/${pid}/cmdline`)) {
			entry.pid = pid;
			entry.command = readText(`/proc/${pid}/comm`)?.trimEnd() ?? null;
		}
	}
	return [...byInode.entries()].map(([inode, entry]) => ({inode, ...entry}));
}

export function closeNamespaces(namespaces: readonly HeldNetns[]): void {
	for (const namespace of namespaces) {
		try {
			closeSync(namespace.fd);
		} catch {
			// Closed already.
		}
	}
}

/**
 * Moves this process's main thread, before anything else runs, into the namespace --netns names:
 * every socket it opens and every program it starts is then there. A name must be an nsfs mount
 * under /run/netns (nothing planted there, no symlink); a PID's namespace is read through /proc.
 */
export function enterNetns(selector: NetnsSelector): void {
	const device = nsfsDevice();
	const namedPath = (name: string) => Buffer.concat([bytes(`${NETNS_RUN_DIR}/`), ifnameBytes(name)]);
	let opened: {fd: number; inode: number} | undefined;
	if (selector.kind === 'pid') {
		// ip netns allows a name of digits: where both exist, which one is meant cannot be told.
		const byName = openNamespace(namedPath(String(selector.pid)), device);
		opened = openNamespace(bytes(`/proc/${selector.pid}/ns/net`), device);
		if (byName && opened) {
			closeSync(byName.fd);
			closeSync(opened.fd);
			throw new UsageError(`--netns ${selector.pid}: both a namespace named ${selector.pid} and a process ${selector.pid} exist; nsenter -t or ip -n can say which`);
		}
		opened ??= byName;
	} else {
		opened = openNamespace(namedPath(selector.name), device);
	}
	if (!opened) {
		throw new UsageError(
			selector.kind === 'name'
				? `--netns: no network namespace named '${escapeControl(selector.name)}' (ip netns list shows them)`
				: `--netns: no process ${selector.pid}, or its network namespace cannot be read`,
		);
	}
	try {
		enterNetworkNamespace(opened.fd);
	} finally {
		closeSync(opened.fd);
	}
}
