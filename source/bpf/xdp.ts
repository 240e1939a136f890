/** Attaching, detaching and querying XDP on an interface. */
import {NO_XDP, ownershipOf, type XdpAttachMode, type XdpAttachment, type XdpMode, type XdpState} from '../model/xdp.js';
import {BpfError} from './errors.js';
import {provenOlderXdptop, provenOurs} from './identity.js';
import {programInfo, xdpLinks, type XdpLinkInfo} from './info.js';
import {check, libbpf} from './libbpf.js';

const BPF_XDP = 37; // enum bpf_attach_type
export const MODE_FLAGS: Readonly<Record<XdpMode, number>> = {skb: 2, drv: 4, hw: 8};

// struct bpf_link_create_opts
const LINK_CREATE_OPTS_SIZE = 64;
const LINK_CREATE_FLAGS = 8;

// struct bpf_xdp_query_opts
const QUERY_OPTS_SIZE = 32;
const QUERY_DRV = 12;
const QUERY_HW = 16;
const QUERY_SKB = 20;
const QUERY_ATTACH_MODE = 24;
const ATTACH_MODES: readonly XdpAttachMode[] = ['none', 'drv', 'skb', 'hw', 'multi'];

/** Attaches through a bpf_link: the kernel detaches it when the last fd closes, even on SIGKILL. */
export function createXdpLink(progFd: number, ifindex: number, mode: XdpMode): number {
	const opts = Buffer.alloc(LINK_CREATE_OPTS_SIZE);
	opts.writeBigUInt64LE(BigInt(LINK_CREATE_OPTS_SIZE), 0);
	opts.writeUInt32LE(MODE_FLAGS[mode], LINK_CREATE_FLAGS);
	return check(`attach in ${mode} mode`, libbpf().linkCreate(progFd, ifindex, BPF_XDP, opts));
}

/** Detaches a link-based attachment from its interface even while other fds hold the link. */
export function detachLink(linkFd: number): void {
	check('detach link', libbpf().linkDetach(linkFd));
}

export interface XdpProgIds {
	readonly attachMode: XdpAttachMode;
	readonly drv: number;
	readonly skb: number;
	readonly hw: number;
}

/** One netlink dump (~30 us): which program ids are attached in each mode. */
export function queryXdpIds(ifindex: number): XdpProgIds {
	const opts = Buffer.alloc(QUERY_OPTS_SIZE);
	opts.writeBigUInt64LE(BigInt(QUERY_OPTS_SIZE), 0);
	check(`query XDP on ifindex ${ifindex}`, libbpf().xdpQuery(ifindex, 0, opts));
	return {
		attachMode: ATTACH_MODES[opts.readUInt8(QUERY_ATTACH_MODE)] ?? 'multi',
		drv: opts.readUInt32LE(QUERY_DRV),
		skb: opts.readUInt32LE(QUERY_SKB),
		hw: opts.readUInt32LE(QUERY_HW),
	};
}

/**
 * The mode in which the link's program is attached to the link's interface in this network
 * namespace; undefined when it is not (the link is defunct, or its interface is elsewhere, or an
 * interface here has its ifindex now). Each attachment of ours is its own program instance, so
 * the program id tells the link's attachment apart.
 */
export function attachedMode(link: XdpLinkInfo): XdpMode | undefined {
	if (link.ifindex === 0) {
		return undefined;
	}
	try {
		const ids = queryXdpIds(link.ifindex);
		return (['drv', 'skb', 'hw'] as const).find(mode => ids[mode] === link.progId);
	} catch {
		return undefined; // No interface of that ifindex here.
	}
}

/**
 * The full XDP state of an interface, with program names and how each is attached. Pass the
 * result of xdpLinks() when querying many interfaces, so links are enumerated once.
 */
export function queryXdp(ifindex: number, links: readonly XdpLinkInfo[] = xdpLinks()): XdpState {
	let ids: XdpProgIds;
	try {
		ids = queryXdpIds(ifindex);
	} catch (error) {
		if (error instanceof BpfError && error.code === 'ENODEV') {
			return NO_XDP;
		}
		throw error;
	}
	const attachments: XdpAttachment[] = [];
	for (const mode of ['drv', 'skb', 'hw'] as const) {
		const progId = ids[mode];
		if (progId === 0) {
			continue;
		}
		const link = links.find(candidate => candidate.ifindex === ifindex && candidate.progId === progId);
		let progName = '';
		let tag = '';
		try {
			({name: progName, tag} = programInfo(progId));
		} catch {
			// Detached between the two calls: report the id alone.
		}
		const program = {mode, progId, progName, tag};
		attachments.push({
			...program,
			...ownershipOf(program, provenOurs, provenOlderXdptop),
			via: link ? 'link' : 'netlink',
			...(link ? {linkId: link.linkId} : {}),
		});
	}
	return {attachMode: attachments.length === 0 ? 'none' : ids.attachMode, attachments};
}
