/**
 * `xdptop --cleanup`: removes attachments an earlier `xdptop --keep` pinned that are attached in
 * this network namespace, or to nothing any more (where the link is, not where the pin's name
 * says it was: interfaces move between namespaces and ifindexes are reused). Every attachment xdptop makes is
 * a bpf_link, so nothing else of ours can outlive its process. A pin is acted on only when its
 * link is proven to hold xdptop's program; anything else in the directory is left alone.
 */
import {BpfError} from '../bpf/errors.js';
import {proveLegacyLink, proveLink, releaseProof} from '../bpf/identity.js';
import {linkHolders} from '../bpf/holders.js';
import {closeFd} from '../bpf/libbpf.js';
import {parsePinName, PIN_ROOT, removePinDirectoryIfEmpty, withPinDirectory, type PinDirectory} from '../bpf/pins.js';
import {attachedMode, detachLink} from '../bpf/xdp.js';
import {escapeControl} from '../model/escape.js';
import {listInterfaces} from '../net/interfaces.js';

/** The layout before pins were named by link: a directory per interface name. */
const LEGACY_FILES = ['link', 'xdp_actions', 'xdp_protos'] as const;

type Outcome =
	| {readonly kind: 'detached'; readonly ifindex: number | undefined}
	| {readonly kind: 'elsewhere' | 'foreign' | 'taken' | 'live'};

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

/**
 * Removes one kept attachment when it is provably ours, kept (no process holds its link), and
 * attached in this namespace or to nothing any more; the pin's unlink is the claim.
 */
function settle(directory: PinDirectory, entry: string, linkId: number | undefined): Outcome {
	const linkFd = directory.open(entry);
	if (linkFd === undefined) {
		return {kind: 'foreign'};
	}
	try {
		const proven = proveLink(linkFd);
		if (proven) {
			releaseProof(proven);
		}
		// What an xdptop of the previous counters layout kept is ours as well.
		const link = proven?.link ?? proveLegacyLink(linkFd);
		if (!link || (linkId !== undefined && link.linkId !== linkId)) {
			return {kind: 'foreign'};
		}
		if (linkHolders(link.linkId).length > 0) {
			return {kind: 'live'}; // A running xdptop's own link, pinned from under it: not a --keep.
		}
		const gone = link.ifindex === 0;
		if (!gone && attachedMode(link) === undefined) {
			return {kind: 'elsewhere'};
		}
		if (!directory.unpin(entry)) {
			return {kind: 'taken'}; // Another xdptop took it over first.
		}
		detach(linkFd);
		return {kind: 'detached', ifindex: gone ? undefined : link.ifindex};
	} finally {
		closeFd(linkFd);
	}
}

/** A directory an older xdptop made for one interface: its link and two map pins. */
function settleLegacy(directory: PinDirectory, entry: string): Outcome {
	if (!directory.stat(entry)?.isDirectory()) {
		return {kind: 'foreign'};
	}
	const outcome = settle(directory, `${entry}/link`, undefined);
	if (outcome.kind === 'detached') {
		for (const file of LEGACY_FILES.slice(1)) {
			directory.unpin(`${entry}/${file}`);
		}
		directory.removeEmptyDirectory(entry);
	}
	return outcome;
}

export async function runCleanup(): Promise<void> {
	const outcomes =
		withPinDirectory(false, directory =>
			directory.entries().map(entry => {
				const pin = parsePinName(entry);
				return pin ? settle(directory, entry, pin.linkId) : settleLegacy(directory, entry);
			}),
		) ?? [];
	removePinDirectoryIfEmpty();
	const names = new Map((await listInterfaces().catch(() => [])).map(entry => [entry.ifindex, escapeControl(entry.name)]));
	const count = (kind: Outcome['kind']) => outcomes.filter(outcome => outcome.kind === kind).length;
	const detached = outcomes.flatMap(outcome => (outcome.kind === 'detached' ? [outcome.ifindex === undefined ? undefined : names.get(outcome.ifindex)] : []));
	const lines = [
		detached.length > 0
			? `detached xdptop_stats kept on ${detached.map(name => name ?? 'an interface that is gone').join(', ')} and removed its pins`
			: 'nothing of xdptop was left pinned here',
	];
	if (count('elsewhere') > 0) {
		lines.push(`${count('elsewhere')} kept in other network namespaces: run xdptop --cleanup --netns NAME|PID there (xdptop list -A shows where)`);
	}
	if (count('live') > 0) {
		lines.push(`left ${count('live')} pinned attachments that running processes hold (not kept by --keep)`);
	}
	if (count('foreign') > 0) {
		lines.push(`left ${count('foreign')} entries under ${PIN_ROOT} that are not xdptop's attachments`);
	}
	process.stdout.write(`${lines.join('\n')}\n`);
}
