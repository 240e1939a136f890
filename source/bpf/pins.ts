/**
 * --keep: pinning an attachment's bpf_link under bpffs so it outlives xdptop, and finding it
 * again.
 *
 * bpffs is often world-writable (mode 1777), so any local user can plant directories and
 * symbolic links there. Pins therefore live only in a directory that root owns with mode 0700,
 * checked with lstat and then through an fd opened with O_NOFOLLOW and fstat-ed; every later
 * path goes through that fd (/proc/self/fd/N/name), so a swap after the check cannot redirect
 * it. Nothing outside that directory is ever created or removed, and nothing is removed
 * recursively.
 *
 * One pin per attachment, a link, named `<netns cookie>-<ifindex>-<link id>`: unique for the
 * attachment, so two xdptops (other terminals, other namespaces) never collide. The maps need no
 * pins: the link holds the program, and the program its maps, which a proof reaches by id.
 * Taking a pin over is its unlink, which only one process can win.
 */
import {execFileSync} from 'node:child_process';
import {
	closeSync,
	constants,
	fstatSync,
	lstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readlinkSync,
	rmdirSync,
	statfsSync,
	unlinkSync,
	type Stats,
} from 'node:fs';
import {programPath} from '../system-programs.js';
import {BpfError} from './errors.js';
import {check, libbpf} from './libbpf.js';

export const BPFFS = '/sys/fs/bpf';
export const PIN_ROOT = `${BPFFS}/xdptop`;
const BPF_FS_MAGIC = 0xcafe4a11;

/** What names one kept attachment. */
export interface PinName {
	readonly cookie: bigint;
	readonly ifindex: number;
	readonly linkId: number;
}

export function pinFileName(name: PinName): string {
	return `${name.cookie}-${name.ifindex}-${name.linkId}`;
}

export function parsePinName(file: string): PinName | undefined {
	const match = /^(\d{1,20})-(\d{1,10})-(\d{1,10})$/.exec(file);
	return match ? {cookie: BigInt(match[1]!), ifindex: Number(match[2]), linkId: Number(match[3])} : undefined;
}

function reason(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	// Node's "EROFS: read-only file system, mkdir '/x'" -> "read-only file system"
	return message.replace(/^\w+: /, '').replace(/, \w+ '.*$/, '');
}

function describeStats(stats: Stats): string {
	const kind = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a directory' : 'not a directory';
	return `${kind}, owner uid ${stats.uid}, mode ${(stats.mode & 0o7777).toString(8)}`;
}

function isOwnDirectory(stats: Stats): boolean {
	return stats.isDirectory() && stats.uid === 0 && (stats.mode & 0o7777) === 0o700;
}

function notOurs(stats: Stats): BpfError {
	return new BpfError(
		`${PIN_ROOT} is not xdptop's own (${describeStats(stats)}; it must be a directory of root with mode 700): remove it (rm -r ${PIN_ROOT}) and try again`,
		1,
	);
}

function onBpffs(path: string): boolean {
	try {
		return statfsSync(path).type === BPF_FS_MAGIC;
	} catch {
		return false;
	}
}

function mountNamespace(pid: 'self' | '1'): string | undefined {
	try {
		return readlinkSync(`/proc/${pid}/ns/mnt`);
	} catch {
		return undefined;
	}
}

/**
 * Why xdptop must not mount bpffs itself, given its own mount namespace and init's (undefined
 * where /proc cannot tell): in a mount namespace of its own (as under `ip netns exec`) the mount,
 * and every pin in it, ends with xdptop, and where it cannot tell it must not guess.
 */
export function refuseToMountBpffs(own: string | undefined, init: string | undefined): string | undefined {
	if (own === undefined || init === undefined) {
		return `bpffs is not mounted at ${BPFFS}, and xdptop cannot tell whether this is the host's mount namespace (/proc/1/ns/mnt cannot be read), so it does not mount it: on the host, mount -t bpf -o mode=700 bpf ${BPFFS} (under ip netns exec, run xdptop with nsenter --net=/run/netns/NAME instead)`;
	}
	if (own !== init) {
		return 'bpffs is not mounted in this mount namespace (as under ip netns exec), so a pin would end with xdptop; run xdptop with nsenter --net=/run/netns/NAME instead';
	}
	return undefined;
}

/** Mounts bpffs (mode 700) where nothing is mounted, unless refuseToMountBpffs() says why not. */
function ensureBpffs(): void {
	if (onBpffs(BPFFS)) {
		return;
	}
	const refusal = refuseToMountBpffs(mountNamespace('self'), mountNamespace('1'));
	if (refusal !== undefined) {
		throw new BpfError(refusal, 19);
	}
	try {
		runMount(['-t', 'bpf', '-o', 'mode=700', 'bpf', BPFFS]);
	} catch {
		throw new BpfError(`bpffs is not mounted at ${BPFFS} and mounting it failed: mount -t bpf -o mode=700 bpf ${BPFFS}`, 19);
	}
}

/** The pin directory, held open: every path below it goes through the fd. */
export class PinDirectory {
	/** Opens it, creating it when asked; undefined when it does not exist and create is false. */
	static open(create: boolean): PinDirectory | undefined {
		if (create) {
			ensureBpffs();
		} else if (!onBpffs(BPFFS)) {
			return undefined;
		}
		let before: Stats;
		try {
			before = lstatSync(PIN_ROOT);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				throw new BpfError(`cannot read ${PIN_ROOT}: ${reason(error)}`, 1);
			}
			if (!create) {
				return undefined;
			}
			try {
				mkdirSync(PIN_ROOT, {mode: 0o700});
			} catch (mkdirError) {
				if ((mkdirError as NodeJS.ErrnoException).code !== 'EEXIST') {
					throw new BpfError(`cannot create ${PIN_ROOT}: ${reason(mkdirError)}`, 30);
				}
			}
			before = lstatSync(PIN_ROOT);
		}
		if (!isOwnDirectory(before)) {
			throw notOurs(before);
		}
		let fd: number;
		try {
			fd = openSync(PIN_ROOT, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
		} catch (error) {
			throw new BpfError(`cannot open ${PIN_ROOT}: ${reason(error)}`, 1);
		}
		const opened = fstatSync(fd);
		if (!isOwnDirectory(opened) || opened.ino !== before.ino || opened.dev !== before.dev || !onBpffs(`/proc/self/fd/${fd}`)) {
			closeSync(fd);
			throw notOurs(opened);
		}
		return new PinDirectory(fd);
	}

	readonly #fd: number;

	private constructor(fd: number) {
		this.#fd = fd;
	}

	/** A path that reaches the entry through the checked directory, whatever PIN_ROOT is now. */
	path(entry: string): string {
		return `/proc/self/fd/${this.#fd}/${entry}`;
	}

	entries(): string[] {
		return readdirSync(this.path('.'));
	}

	/** lstat of an entry; undefined when it is not there. */
	stat(entry: string): Stats | undefined {
		try {
			return lstatSync(this.path(entry));
		} catch {
			return undefined;
		}
	}

	/** Pins an object here; never replaces an entry. */
	pin(fd: number, entry: string): void {
		check(`pin ${PIN_ROOT}/${entry}`, libbpf().objPin(fd, this.path(entry)));
	}

	/** Opens a pinned object: only a plain pin file of root's, never a link to elsewhere. */
	open(entry: string): number | undefined {
		const stats = this.stat(entry);
		if (!stats?.isFile() || stats.uid !== 0) {
			return undefined;
		}
		const fd = libbpf().objGet(this.path(entry));
		return fd < 0 ? undefined : fd;
	}

	/** Removes one pin file; false when it was already gone (another process took it). */
	unpin(entry: string): boolean {
		if (!this.stat(entry)?.isFile()) {
			return false;
		}
		try {
			unlinkSync(this.path(entry));
			return true;
		} catch {
			return false;
		}
	}

	/** Removes an empty directory inside this one (the layout before pins were named by link). */
	removeEmptyDirectory(entry: string): void {
		try {
			rmdirSync(this.path(entry));
		} catch {
			// Not empty (something that is not ours is in it) or gone: leave it.
		}
	}

	close(): void {
		closeSync(this.#fd);
	}
}

function runMount(args: readonly string[]): void {
	execFileSync(programPath('mount'), [...args], {stdio: 'ignore'});
}

/**
 * Removes the pin directory when it is empty and xdptop's own (after --cleanup): the host is left
 * as it was. /sys/fs/bpf is sticky, so nobody else can swap it between the check and the removal.
 */
export function removePinDirectoryIfEmpty(): void {
	try {
		if (isOwnDirectory(lstatSync(PIN_ROOT))) {
			rmdirSync(PIN_ROOT);
		}
	} catch {
		// Not there, not ours, or not empty: leave it.
	}
}

/** Runs fn with the pin directory open (created when asked); undefined when there is none. */
export function withPinDirectory<T>(create: boolean, fn: (directory: PinDirectory) => T): T | undefined {
	const directory = PinDirectory.open(create);
	if (!directory) {
		return undefined;
	}
	try {
		return fn(directory);
	} finally {
		directory.close();
	}
}
