/** `xdptop list` output: text in the spirit of `xdp-loader status`, and JSON for machines. */
import {fitCells} from '../model/cells.js';
import {escapeControl} from '../model/escape.js';
import {ifnameHex, ifnameText} from '../model/ifname.js';
import {netnsTitle, type NetnsLabel} from '../model/netns.js';
import {ownerText, type XdpAttachment} from '../model/xdp.js';
import {type NamespaceListing} from './all-namespaces.js';
import {type InterfaceStatus} from './inventory.js';

const NAME_WIDTH = 16;
const STATE_WIDTH = 8;
const DRIVER_WIDTH = 11;

/** `width` cells, the last one always a space between columns. */
function cell(text: string, width: number): string {
	return `${fitCells(text, width - 1)} `;
}

export function describeAttachment(attachment: XdpAttachment): string {
	const name = attachment.progName ? escapeControl(attachment.progName) : '?';
	const via = attachment.via === 'link' ? `bpf_link ${attachment.linkId ?? '?'}` : 'netlink';
	const tag = attachment.tag ? `  tag ${attachment.tag}` : '';
	return `${attachment.mode.padEnd(3)}  id ${String(attachment.progId).padEnd(6)} ${name.padEnd(15)}${tag}  ${ownerText(attachment)}, ${via}`;
}

/**
 * One line per interface (name, state, driver, XDP mode); under it, one indented line per
 * attached program, so every fact fits 80 columns even when native and hw are both in use.
 */
export function formatList(interfaces: readonly InterfaceStatus[]): string {
	return [`${cell('IFACE', NAME_WIDTH)}${cell('STATE', STATE_WIDTH)}${cell('DRIVER', DRIVER_WIDTH)}XDP`, ...formatRows(interfaces)].join('\n');
}

/** Without -A: what the other namespaces hold, so that nobody is told "none" on a host that has some. */
export function elsewhereLine(found: {readonly attachments: number; readonly namespaces: number}): string | undefined {
	if (found.attachments === 0) {
		return undefined;
	}
	const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
	return `XDP in other network namespaces: ${plural(found.attachments, 'attachment')} in ${plural(found.namespaces, 'namespace')} (xdptop list -A shows them)`;
}

/** -A: one block per namespace, titled by its name (or holder) and inode. */
export function formatAllNamespaces(listings: readonly NamespaceListing[]): string {
	const blocks = listings.map(listing => {
		const title = `netns ${escapeControl(netnsTitle(listing.netns))}  (inode ${listing.netns.inode}${listing.own ? ', xdptop\'s own' : ''}${listing.netns.name && listing.netns.pid !== null ? `, ${escapeControl(listing.netns.command ?? '?')}:${listing.netns.pid}` : ''})`;
		return [title, ...(listing.error ? [`  ${escapeControl(listing.error)}`] : formatRows(listing.interfaces))].join('\n');
	});
	return [`${cell('IFACE', NAME_WIDTH)}${cell('STATE', STATE_WIDTH)}${cell('DRIVER', DRIVER_WIDTH)}XDP`, ...blocks].join('\n');
}

function formatRows(interfaces: readonly InterfaceStatus[]): string[] {
	const lines: string[] = [];
	for (const entry of interfaces) {
		const xdp = entry.xdp.attachments.length === 0 ? '—' : entry.xdp.attachMode;
		lines.push(
			`${cell(escapeControl(entry.name), NAME_WIDTH)}${cell(entry.state, STATE_WIDTH)}${cell(escapeControl(entry.driver), DRIVER_WIDTH)}${xdp}`,
		);
		for (const attachment of entry.xdp.attachments) {
			lines.push(`  └ ${describeAttachment(attachment)}`);
		}
	}
	return lines;
}

export interface ListJsonEntry {
	/** With -A: the namespace it is in. */
	readonly netns?: {readonly inode: number; readonly name: string | null; readonly pid: number | null; readonly command: string | null};
	/** The name as text (bytes that are not UTF-8 read as U+FFFD); exact for every UTF-8 name. */
	readonly name: string;
	/** The name's bytes in hex: lossless, whatever the bytes. */
	readonly nameBytes: string;
	readonly ifindex: number;
	readonly state: string;
	readonly driver: string;
	readonly mtu: number;
	readonly mac: string;
	readonly xdpMode: string;
	readonly xdp: ReadonlyArray<{
		readonly mode: string;
		readonly progId: number;
		readonly progName: string;
		readonly tag: string;
		readonly ours: boolean;
		/** A --keep of an older xdptop (not read; xdptop --cleanup removes it). */
		readonly olderXdptop: boolean;
		readonly via: string;
		readonly linkId: number | null;
		/** Processes holding its link (or its program, for netlink); null where not read. */
		readonly holders: ReadonlyArray<{readonly pid: number; readonly command: string}> | null;
		readonly loadedAt: string | null;
		readonly uid: number | null;
		/** The full function name from BTF (progName is cut at 15 bytes). */
		readonly functionName: string | null;
		readonly mapIds: readonly number[] | null;
		readonly jitedBytes: number | null;
	}>;
}

/**
 * JSON keeps names exact (JSON escapes control bytes itself); it is for machines. A name that is
 * not UTF-8 has no exact JSON string: nameBytes has its bytes.
 */
export function listJson(interfaces: readonly InterfaceStatus[], netns?: NetnsLabel): ListJsonEntry[] {
	return interfaces.map(entry => ({
		...(netns ? {netns: {inode: netns.inode, name: netns.name === null ? null : ifnameText(netns.name), pid: netns.pid, command: netns.command}} : {}),
		name: ifnameText(entry.name),
		nameBytes: ifnameHex(entry.name),
		ifindex: entry.ifindex,
		state: entry.state,
		driver: entry.driver,
		mtu: entry.mtu,
		mac: entry.mac,
		xdpMode: entry.xdp.attachMode,
		xdp: entry.xdp.attachments.map(attachment => ({
			mode: attachment.mode,
			progId: attachment.progId,
			progName: attachment.progName,
			tag: attachment.tag,
			ours: attachment.ours,
			olderXdptop: attachment.olderXdptop === true,
			via: attachment.via,
			linkId: attachment.linkId ?? null,
			holders: attachment.facts?.holders ?? null,
			loadedAt: attachment.facts?.loadedAtMs === undefined ? null : new Date(attachment.facts.loadedAtMs).toISOString(),
			uid: attachment.facts?.uid ?? null,
			functionName: attachment.facts?.functionName ?? null,
			mapIds: attachment.facts?.mapIds ?? null,
			jitedBytes: attachment.facts?.jitedBytes ?? null,
		})),
	}));
}
