/** What xdptop knows about XDP on an interface: plain data shared by every layer. */
import {escapeControl} from './escape.js';

export const XDP_MODES = ['drv', 'skb', 'hw'] as const;
export type XdpMode = (typeof XDP_MODES)[number];

export function isXdpMode(value: string): value is XdpMode {
	return (XDP_MODES as readonly string[]).includes(value);
}

/** One program attached to an interface in one mode. */
export interface XdpAttachment {
	readonly mode: XdpMode;
	readonly progId: number;
	/** Empty when the program could not be read. */
	readonly progName: string;
	readonly tag: string;
	/**
	 * Provably xdptop's counting program (tag and map layout checked; any xdptop process may have
	 * attached it). A program that only borrows the name is not ours.
	 */
	readonly ours: boolean;
	/**
	 * A --keep of an older xdptop's counters layout (proven against its program in bpf/legacy/):
	 * not read, and removed only by `xdptop --cleanup`. Left out for everything else.
	 */
	readonly olderXdptop?: true;
	/** A bpf_link goes away with its last fd; a netlink attachment stays until detached. */
	readonly via: 'link' | 'netlink';
	readonly linkId?: number;
	/** Who holds it and what the kernel says of it, where it was read (see ProgramFacts). */
	readonly facts?: ProgramFacts;
}

/** A process that holds an attached program's link or program open. */
export interface ProgramHolder {
	readonly pid: number;
	readonly command: string;
}

/** What does not show in a netlink dump: read every few seconds, not every tick. */
export interface ProgramFacts {
	/** Processes holding its link (or, for a netlink attachment, its program) open. */
	readonly holders: readonly ProgramHolder[];
	/** Wall-clock milliseconds when it was loaded. */
	readonly loadedAtMs: number | undefined;
	readonly uid: number | undefined;
	/** Its full function name from BTF, where the kernel's name (15 bytes at most) is cut. */
	readonly functionName: string | undefined;
	readonly mapIds: readonly number[];
	/** Bytes of JIT-compiled code. */
	readonly jitedBytes: number | undefined;
}

/** Who keeps an attachment alive, in words: a process, a pin, or netlink itself. */
export function holdersText(attachment: XdpAttachment): string | undefined {
	const holders = attachment.facts?.holders;
	if (!holders) {
		return undefined;
	}
	if (holders.length > 0) {
		// comm is whatever the process named itself: escaped, it cannot drive the terminal.
		return `held by ${holders.map(holder => `${holder.pid} ${escapeControl(holder.command)}`).join(', ')}`;
	}
	return attachment.via === 'link' ? 'no process here holds its link: pinned in bpffs, or held from another PID namespace' : 'attached by netlink: no process needed';
}

/** What `ip link` calls the attach mode: MULTI when more than one mode is in use. */
export type XdpAttachMode = 'none' | XdpMode | 'multi';

export interface XdpState {
	readonly attachMode: XdpAttachMode;
	readonly attachments: readonly XdpAttachment[];
}

export const NO_XDP: XdpState = {attachMode: 'none', attachments: []};

/** What a netlink dump says of one attached program. */
export interface ReportedProgram {
	readonly mode: XdpMode;
	readonly progId: number;
	readonly progName: string;
	readonly tag: string;
}

/** A bpf_link that attaches a program to an interface. */
export interface ReportedLink {
	readonly linkId: number;
	readonly progId: number;
	readonly ifindex: number;
}

/** Decides whether an attached program is provably ours; a name never does. */
export type OwnershipProof = (program: ReportedProgram) => boolean;

/** Whose an attached program is, by the proofs: ours, else an older xdptop's --keep when that proof is given and holds. */
export function ownershipOf(program: ReportedProgram, isOurs: OwnershipProof, isOlderXdptop?: OwnershipProof): Pick<XdpAttachment, 'ours' | 'olderXdptop'> {
	const ours = isOurs(program);
	return !ours && isOlderXdptop?.(program) ? {ours, olderXdptop: true} : {ours};
}

/** The owner in words, as `list` and the detail pane say it. */
export function ownerText(attachment: XdpAttachment): string {
	return attachment.ours ? 'ours' : attachment.olderXdptop ? "an older xdptop's --keep" : 'foreign';
}

/**
 * Combines a dump's programs with the link list: whose by ownershipOf, link or netlink by link
 * match.
 */
export function xdpStateOf(
	ifindex: number,
	programs: readonly ReportedProgram[],
	links: readonly ReportedLink[],
	isOurs: OwnershipProof,
	isOlderXdptop?: OwnershipProof,
): XdpState {
	if (programs.length === 0) {
		return NO_XDP;
	}
	const attachments = programs.map(program => {
		const link = links.find(candidate => candidate.ifindex === ifindex && candidate.progId === program.progId);
		return {
			...program,
			...ownershipOf(program, isOurs, isOlderXdptop),
			via: link ? ('link' as const) : ('netlink' as const),
			...(link ? {linkId: link.linkId} : {}),
		};
	});
	return {attachMode: attachments.length > 1 ? 'multi' : attachments[0]!.mode, attachments};
}

/** A native-mode program that is not ours: what the driver's own XDP counters describe. */
export function hasForeignNative(state: XdpState): boolean {
	return state.attachments.some(attachment => !attachment.ours && attachment.mode === 'drv');
}

export const MODE_NAMES: Readonly<Record<XdpMode, string>> = {
	drv: 'native (drv)',
	skb: 'generic (skb)',
	hw: 'hardware offload (hw)',
};
