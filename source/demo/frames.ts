/** Frames for the demo traffic and for BPF_PROG_TEST_RUN tests: just enough header bytes to classify. */

const MAC_A = [0x02, 0, 0, 0, 0, 1];
const MAC_B = [0x02, 0, 0, 0, 0, 2];

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_GRE = 47;
export const IPPROTO_ICMPV6 = 58;

/** Ethernet header with optional VLAN tags (outermost first) in front of `payload`. */
export function ethernet(etherType: number, payload: Buffer, vlanTpids: readonly number[] = []): Buffer {
	const header: number[] = [...MAC_A, ...MAC_B];
	for (const tpid of vlanTpids) {
		header.push(tpid >> 8, tpid & 0xff, 0x00, 0x64); // TCI: VLAN 100
	}
	header.push(etherType >> 8, etherType & 0xff);
	return Buffer.concat([Buffer.from(header), payload]);
}

/** IPv4 header of `ihl` 32-bit words (options zero-filled), then `payloadLength` bytes. */
export function ipv4(protocol: number, payloadLength = 20, ihl = 5): Buffer {
	const header = Buffer.alloc(ihl * 4);
	header[0] = 0x40 | (ihl & 0x0f);
	header.writeUInt16BE(ihl * 4 + payloadLength, 2);
	header[8] = 64;
	header[9] = protocol;
	header.set([10, 0, 0, 2], 12);
	header.set([10, 0, 0, 1], 16);
	return Buffer.concat([header, Buffer.alloc(payloadLength)]);
}

export function ipv6(nextHeader: number, payloadLength = 20): Buffer {
	const header = Buffer.alloc(40);
	header[0] = 0x60;
	header.writeUInt16BE(payloadLength, 4);
	header[6] = nextHeader;
	header[7] = 64;
	header[23] = 2;
	header[39] = 1;
	return Buffer.concat([header, Buffer.alloc(payloadLength)]);
}

export function arp(): Buffer {
	const body = Buffer.alloc(28);
	body.writeUInt16BE(1, 0); // Ethernet
	body.writeUInt16BE(ETH_P_IP, 2);
	body[4] = 6;
	body[5] = 4;
	body.writeUInt16BE(1, 6); // request
	return body;
}

/** Pads to the 60-byte Ethernet minimum, as a NIC would before the FCS. */
export function padded(frame: Buffer, minimum = 60): Buffer {
	return frame.length >= minimum ? frame : Buffer.concat([frame, Buffer.alloc(minimum - frame.length)]);
}

/** The demo's mix: a frame of each kind the protocol breakdown tells apart. */
export function demoMix(): Buffer[] {
	return [
		...Array.from({length: 6}, () => padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, 64)))),
		...Array.from({length: 3}, () => padded(ethernet(ETH_P_IP, ipv4(IPPROTO_TCP, 20)))),
		padded(ethernet(ETH_P_IP, ipv4(IPPROTO_ICMP, 36))),
		padded(ethernet(ETH_P_IPV6, ipv6(IPPROTO_UDP, 32))),
		padded(ethernet(ETH_P_IPV6, ipv6(IPPROTO_TCP, 20))),
		padded(ethernet(ETH_P_ARP, arp())),
		padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, 100), [ETH_P_8021Q])),
		padded(ethernet(ETH_P_IPV6, ipv6(IPPROTO_ICMPV6, 16), [ETH_P_8021AD, ETH_P_8021Q])),
	];
}

/** trafgen's configuration language: one { } block per frame, sent in turn. */
export function trafgenConfig(frames: readonly Buffer[]): string {
	return frames.map(frame => `{ ${[...frame].map(byte => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')} }\n`).join('');
}
