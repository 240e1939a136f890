/**
 * `xdptop --cleanup`: removes attachments an earlier `xdptop --keep` pinned in this network
 * namespace (and pins whose interface is gone, wherever it was). Every attachment xdptop makes is
 * a bpf_link, so nothing else of ours can outlive its process. A pin is acted on only when its
 * link is proven to hold xdptop's program; anything else in the directory is left alone.
 */
import {BpfError} from '../bpf/errors.js';
import {proveByFd} from '../bpf/identity.js';
import {linkInfoByFd} from '../bpf/info.js';
import {closeFd, libbpf} from '../bpf/libbpf.js';
import {netnsCookie} from '../bpf/netns.js';
import {parsePinName, PIN_ROOT, removePinDirectoryIfEmpty, withPinDirectory, type PinDirectory} from '../bpf/pins.js';
import {detachLink} from '../bpf/xdp.js';
import {escapeControl} from '../model/escape.js';
import {listInterfaces} from '../net/interfaces.js';

/** The layout before pins were named by link: a directory per interface name. */
const LEGACY_FILES = ['link', 'xdp_actions', 'xdp_protos'] as const;

type Outcome = {readonly kind: 'detached'; readonly ifindex?: number; readonly name?: string} | {readonly kind: 'elsewhere' | 'foreign' | 'taken'};

/** The program behind a link fd is ours: proven by tag and maps. */
function holdsOurProgram(linkFd: number): {ifindex: number; linkId: number} | undefined {
	const link = linkInfoByFd(linkFd);
	if (!link) {
		return undefined;
	}
	const progFd = libbpf().progGetFdById(link.progId);
	if (progFd < 0) {
		return undefined;
	}
	try {
		const maps = proveByFd(progFd);
		if (!maps) {
			return undefined;
		}
		closeFd(maps.actionsMapFd);
		closeFd(maps.protosMapFd);
		return link;
	} finally {
		closeFd(progFd);
	}
}

function detach(linkFd: number): void {
	try {
		detachLink(linkFd);
	} catch (error) {
		// The interface is already gone, and the attachment with it: only the pin was left.
		if (!(error instanceof BpfError && (error.code === 'ENOLINK' || error.code === 'ENODEV'))) {
			throw error;
		}
	}
}

function cleanPin(directory: PinDirectory, entry: string, cookie: bigint): Outcome {
	const pin = parsePinName(entry)!;
	const linkFd = directory.open(entry);
	if (linkFd === undefined) {
		return {kind: 'foreign'};
	}
	try {
		const link = holdsOurProgram(linkFd);
		if (!link || link.linkId !== pin.linkId) {
			return {kind: 'foreign'};
		}
		// Another namespace's live attachment is for an xdptop there; a defunct one (ifindex 0) is nobody's.
		if (pin.cookie !== cookie && link.ifindex !== 0) {
			return {kind: 'elsewhere'};
		}
		if (!directory.unpin(entry)) {
			return {kind: 'taken'}; // Another xdptop took it over first.
		}
		detach(linkFd);
		return pin.cookie === cookie ? {kind: 'detached', ifindex: pin.ifindex} : {kind: 'detached'};
	} finally {
		closeFd(linkFd);
	}
}

/** A directory an older xdptop made for one interface: its link and two map pins. */
function cleanLegacy(directory: PinDirectory, entry: string): Outcome {
	if (!directory.stat(entry)?.isDirectory()) {
		return {kind: 'foreign'};
	}
	const linkFd = directory.open(`${entry}/link`);
	if (linkFd === undefined) {
		return {kind: 'foreign'};
	}
	try {
		if (!holdsOurProgram(linkFd)) {
			return {kind: 'foreign'};
		}
		if (!directory.unpin(`${entry}/link`)) {
			return {kind: 'taken'};
		}
		detach(linkFd);
	} finally {
		closeFd(linkFd);
	}
	for (const file of LEGACY_FILES.slice(1)) {
		directory.unpin(`${entry}/${file}`);
	}
	directory.removeEmptyDirectory(entry);
	return {kind: 'detached', name: entry};
}

export async function runCleanup(): Promise<void> {
	const cookie = netnsCookie();
	const outcomes =
		withPinDirectory(false, directory =>
			directory.entries().map(entry => (parsePinName(entry) ? cleanPin(directory, entry, cookie) : cleanLegacy(directory, entry))),
		) ?? [];
	removePinDirectoryIfEmpty();
	const names = new Map((await listInterfaces().catch(() => [])).map(entry => [entry.ifindex, escapeControl(entry.name)]));
	const count = (kind: Outcome['kind']) => outcomes.filter(outcome => outcome.kind === kind).length;
	const detached = outcomes.flatMap(outcome => (outcome.kind === 'detached' ? [outcome.name === undefined ? names.get(outcome.ifindex ?? 0) : escapeControl(outcome.name)] : []));
	const lines = [
		detached.length > 0
			? `detached xdptop_stats kept on ${detached.map(name => name ?? 'an interface that is gone').join(', ')} and removed its pins`
			: 'nothing of xdptop was left pinned here',
	];
	if (count('elsewhere') > 0) {
		lines.push(`${count('elsewhere')} kept in other network namespaces: run xdptop --cleanup there (nsenter --net=...)`);
	}
	if (count('foreign') > 0) {
		lines.push(`left ${count('foreign')} entries under ${PIN_ROOT} that are not xdptop's attachments`);
	}
	process.stdout.write(`${lines.join('\n')}\n`);
}
