/** --keep: pinning an attachment under bpffs so it outlives xdptop, and finding it again. */
import {execFileSync} from 'node:child_process';
import {mkdirSync, readdirSync, rmSync, statfsSync} from 'node:fs';
import {join} from 'node:path';
import {ACTIONS_MAP, PROTOS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, closeFd, libbpf} from './libbpf.js';
import {PIN_ROOT} from './paths.js';

const BPF_FS_MAGIC = 0xcafe4a11;
const LINK_PIN = 'link';

export interface PinnedFds {
	readonly linkFd: number;
	readonly actionsMapFd: number;
	readonly protosMapFd: number;
}

function bpffsMounted(path: string): boolean {
	try {
		return statfsSync(path).type === BPF_FS_MAGIC;
	} catch {
		return false;
	}
}

/** Mounts bpffs at /sys/fs/bpf when nothing is mounted there (some minimal hosts). */
function ensureBpffs(): void {
	if (bpffsMounted('/sys/fs/bpf')) {
		return;
	}
	try {
		execFileSync('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf'], {stdio: 'ignore'});
	} catch {
		throw new BpfError('bpffs is not mounted at /sys/fs/bpf and mounting it failed: mount -t bpf bpf /sys/fs/bpf', 19);
	}
}

function pinDirectory(ifname: string): string {
	// Interface names have no '/', and '.'/'..' are not valid names: the path stays inside PIN_ROOT.
	return join(PIN_ROOT, ifname);
}

export function pinAttachment(ifname: string, fds: PinnedFds): void {
	ensureBpffs();
	const directory = pinDirectory(ifname);
	// One level at a time: a recursive mkdir reports ENOENT where the truth is EROFS.
	for (const path of [PIN_ROOT, directory]) {
		try {
			mkdirSync(path, {mode: 0o700});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw new BpfError(`cannot create ${path}: ${(error as Error).message.replace(/^\w+: /, '').replace(/, mkdir .*$/, '')}`, 30);
			}
		}
	}
	const api = libbpf();
	try {
		check(`pin ${ACTIONS_MAP}`, api.objPin(fds.actionsMapFd, join(directory, ACTIONS_MAP)));
		check(`pin ${PROTOS_MAP}`, api.objPin(fds.protosMapFd, join(directory, PROTOS_MAP)));
		check('pin link', api.objPin(fds.linkFd, join(directory, LINK_PIN)));
	} catch (error) {
		removePins(ifname);
		throw error;
	}
}

/** Names of interfaces that have pins, as found under PIN_ROOT. */
export function pinnedInterfaces(): string[] {
	try {
		return readdirSync(PIN_ROOT);
	} catch {
		return [];
	}
}

/** Opens the pinned link and maps of an interface; undefined when some pin is missing. */
export function openPins(ifname: string): PinnedFds | undefined {
	const directory = pinDirectory(ifname);
	const api = libbpf();
	const fds = [LINK_PIN, ACTIONS_MAP, PROTOS_MAP].map(name => api.objGet(join(directory, name)));
	if (fds.some(fd => fd < 0)) {
		for (const fd of fds) {
			closeFd(fd);
		}
		return undefined;
	}
	const [linkFd, actionsMapFd, protosMapFd] = fds as [number, number, number];
	return {linkFd, actionsMapFd, protosMapFd};
}

export function removePins(ifname: string): void {
	rmSync(pinDirectory(ifname), {recursive: true, force: true});
	try {
		if (readdirSync(PIN_ROOT).length === 0) {
			rmSync(PIN_ROOT, {recursive: true, force: true});
		}
	} catch {
		// Already gone.
	}
}
