/** `xdptop list` output: text in the spirit of `xdp-loader status`, and JSON for machines. */
import {escapeControl} from '../model/escape.js';
import {ifnameHex, ifnameText} from '../model/ifname.js';
import {type XdpAttachment} from '../model/xdp.js';
import {type InterfaceStatus} from './inventory.js';

const NAME_WIDTH = 16;
const STATE_WIDTH = 8;
const DRIVER_WIDTH = 11;

function cell(text: string, width: number): string {
	return text.length >= width ? `${text.slice(0, width - 2)}… ` : text.padEnd(width);
}

export function describeAttachment(attachment: XdpAttachment): string {
	const name = attachment.progName ? escapeControl(attachment.progName) : '?';
	const owner = attachment.ours ? 'ours' : 'foreign';
	const via = attachment.via === 'link' ? `bpf_link ${attachment.linkId ?? '?'}` : 'netlink';
	const tag = attachment.tag ? `  tag ${attachment.tag}` : '';
	return `${attachment.mode.padEnd(3)}  id ${String(attachment.progId).padEnd(6)} ${name.padEnd(15)}${tag}  ${owner}, ${via}`;
}

/**
 * One line per interface (name, state, driver, XDP mode); under it, one indented line per
 * attached program, so every fact fits 80 columns even when native and hw are both in use.
 */
export function formatList(interfaces: readonly InterfaceStatus[]): string {
	const lines = [`${cell('IFACE', NAME_WIDTH)}${cell('STATE', STATE_WIDTH)}${cell('DRIVER', DRIVER_WIDTH)}XDP`];
	for (const entry of interfaces) {
		const xdp = entry.xdp.attachments.length === 0 ? '—' : entry.xdp.attachMode;
		lines.push(
			`${cell(escapeControl(entry.name), NAME_WIDTH)}${cell(entry.state, STATE_WIDTH)}${cell(escapeControl(entry.driver), DRIVER_WIDTH)}${xdp}`,
		);
		for (const attachment of entry.xdp.attachments) {
			lines.push(`  └ ${describeAttachment(attachment)}`);
		}
	}
	return lines.join('\n');
}

export interface ListJsonEntry {
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
export function listJson(interfaces: readonly InterfaceStatus[]): ListJsonEntry[] {
	return interfaces.map(entry => ({
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
