/**
 * Every interface of a network namespace with its XDP programs, in one netlink dump (RTM_GETLINK,
 * statistics left out): what `ip -details -json link show` gives the monitor, without a process
 * to start or to keep, on a kept socket made in that namespace. Program names and tags come from
 * the kernel by program id, as ip reads them.
 */
import {decodeIfname} from '../model/ifname.js';
import {type ReportedProgram, type XdpMode} from '../model/xdp.js';
import {type NetInterface} from '../net/interfaces.js';
import {programInfo} from './info.js';
import {forEachAttribute, NLMSG_HEADER, RouteSocket} from './netlink.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
/** struct ifinfomsg: family, pad, type (ARPHRD_*), index, flags, change. */
const IFINFOMSG = 16;
const ARPHRD_LOOPBACK = 772;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_OPERSTATE = 16;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_SKIP_STATS = 1 << 3;
const IFLA_XDP = 43;
const IFLA_XDP_ATTACHED = 2;
const IFLA_XDP_PROG_ID = 4;
const IFLA_XDP_DRV_PROG_ID = 5;
const IFLA_XDP_SKB_PROG_ID = 6;
const IFLA_XDP_HW_PROG_ID = 7;
const XDP_ATTACHED_MULTI = 4;
/** enum xdp_attached as modes: 1 drv, 2 skb, 3 hw. */
const ATTACHED_MODES: Readonly<Record<number, XdpMode>> = {1: 'drv', 2: 'skb', 3: 'hw'};
const MODE_ATTRIBUTES: ReadonlyArray<readonly [number, XdpMode]> = [
	[IFLA_XDP_DRV_PROG_ID, 'drv'],
	[IFLA_XDP_SKB_PROG_ID, 'skb'],
	[IFLA_XDP_HW_PROG_ID, 'hw'],
];
/** RFC 2863 operational states, as ip names them (lower case). */
const OPERSTATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/** A NUL-terminated attribute's bytes, without the NUL. */
function cString(buffer: Buffer, at: number, length: number): Buffer {
	const end = buffer.indexOf(0, at);
	return buffer.subarray(at, end === -1 || end > at + length ? at + length : end);
}

function program(mode: XdpMode, progId: number): ReportedProgram {
	try {
		const info = programInfo(progId);
		return {mode, progId, progName: info.name, tag: info.tag};
	} catch {
		return {mode, progId, progName: '', tag: ''}; // Detached meanwhile: the id alone, as ip would.
	}
}

function xdpPrograms(buffer: Buffer, at: number, length: number): ReportedProgram[] {
	let attached = 0;
	let progId = 0;
	const byMode = new Map<number, number>();
	forEachAttribute(buffer, at, at + length, (type, value, size) => {
		if (type === IFLA_XDP_ATTACHED && size >= 1) {
			attached = buffer.readUInt8(value);
		} else if (type === IFLA_XDP_PROG_ID && size >= 4) {
			progId = buffer.readUInt32LE(value);
		} else if (size >= 4) {
			byMode.set(type, buffer.readUInt32LE(value));
		}
	});
	if (attached === XDP_ATTACHED_MULTI) {
		return MODE_ATTRIBUTES.flatMap(([type, mode]) => (byMode.get(type) ? [program(mode, byMode.get(type)!)] : []));
	}
	const mode = ATTACHED_MODES[attached];
	return mode && progId ? [program(mode, progId)] : [];
}

export class LinkDump {
	/** Opens the socket (in the namespace the calling thread is in); throws where netlink cannot be had. */
	static open(): LinkDump {
		return new LinkDump(RouteSocket.open());
	}

	readonly #socket: RouteSocket;
	readonly #body = Buffer.alloc(IFINFOMSG + 8);

	private constructor(socket: RouteSocket) {
		this.#socket = socket;
		this.#body.writeUInt16LE(8, IFINFOMSG);
		this.#body.writeUInt16LE(IFLA_EXT_MASK, IFINFOMSG + 2);
		this.#body.writeUInt32LE(RTEXT_FILTER_SKIP_STATS, IFINFOMSG + 4);
	}

	/** In ifindex order, as the kernel dumps them. Drivers here are link kinds only (see NetInterface). */
	read(): NetInterface[] {
		const links: NetInterface[] = [];
		const {buffer} = this.#socket;
		this.#socket.dump(RTM_GETLINK, this.#body, RTM_NEWLINK, 'list interfaces', (offset, length) => {
			const header = offset + NLMSG_HEADER;
			const linkType = buffer.readUInt16LE(header + 2);
			const ifindex = buffer.readInt32LE(header + 4);
			let name: Buffer | undefined;
			let mtu = 0;
			let state = 'unknown';
			let mac = '';
			let kind: string | undefined;
			let programs: ReportedProgram[] = [];
			forEachAttribute(buffer, header + IFINFOMSG, offset + length, (type, at, size) => {
				if (type === IFLA_IFNAME) {
					name = cString(buffer, at, size);
				} else if (type === IFLA_MTU && size >= 4) {
					mtu = buffer.readUInt32LE(at);
				} else if (type === IFLA_OPERSTATE && size >= 1) {
					state = OPERSTATES[buffer.readUInt8(at)] ?? 'unknown';
				} else if (type === IFLA_ADDRESS) {
					mac = [...buffer.subarray(at, at + size)].map(byte => byte.toString(16).padStart(2, '0')).join(':');
				} else if (type === IFLA_LINKINFO) {
					forEachAttribute(buffer, at, at + size, (infoType, infoAt, infoSize) => {
						if (infoType === IFLA_INFO_KIND) {
							kind = cString(buffer, infoAt, infoSize).toString('latin1');
						}
					});
				} else if (type === IFLA_XDP) {
					programs = xdpPrograms(buffer, at, size);
				}
			});
			if (name && ifindex > 0) {
				const driver = kind ?? (linkType === ARPHRD_LOOPBACK ? 'loopback' : '—');
				links.push({name: decodeIfname(name), ifindex, state, mtu, mac, driver, xdpPrograms: programs});
			}
		});
		return links;
	}

	close(): void {
		this.#socket.close();
	}
}
