/**
 * Every interface's rx counters in one netlink dump (RTM_GETSTATS asking for IFLA_STATS_LINK_64
 * alone): what /proc/net/dev prints, without the kernel formatting text for every interface and
 * every counter, nor Node parsing it. One kept socket in this process's network namespace.
 */
import {type LinkCounters} from '../net/kernel-counters.js';
import {checkLibc, lastErrno, libbpf} from './libbpf.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2_000_000;
const NETLINK_ROUTE = 0;
const RTM_NEWSTATS = 92;
const RTM_GETSTATS = 94;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLMSG_HEADER = 16;
/** struct if_stats_msg: family, two pads, ifindex, filter_mask. */
const IF_STATS_MSG = 12;
const IFLA_STATS_LINK_64 = 1;
/** struct rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, ... rx_dropped at 48, rx_missed_errors at 128. */
const RX_PACKETS = 0;
const RX_BYTES = 16;
const RX_DROPPED = 48;
const RX_MISSED = 128;
const EINTR = 4;
/** Room for what the kernel puts in one dump message batch (it fills up to ~32 KiB). */
const RECEIVE_BYTES = 64 * 1024;

const align4 = (length: number) => (length + 3) & ~3;

export class LinkStatsDump {
	/** Opens the socket; throws where netlink cannot be had. */
	static open(): LinkStatsDump {
		const fd = checkLibc('open a netlink socket', libbpf().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
		return new LinkStatsDump(fd);
	}

	#fd: number;
	#sequence = 0;
	readonly #request = Buffer.alloc(NLMSG_HEADER + IF_STATS_MSG);
	readonly #buffer = Buffer.alloc(RECEIVE_BYTES);

	private constructor(fd: number) {
		this.#fd = fd;
		this.#request.writeUInt32LE(this.#request.length, 0);
		this.#request.writeUInt16LE(RTM_GETSTATS, 4);
		this.#request.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
		this.#request.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), NLMSG_HEADER + 8);
	}

	/** By ifindex. Throws (one line) when the kernel answers with an error. */
	read(): Map<number, LinkCounters> {
		const api = libbpf();
		const sequence = ++this.#sequence;
		this.#request.writeUInt32LE(sequence, 8);
		checkLibc('ask for interface statistics', api.send(this.#fd, this.#request, this.#request.length, 0));
		const counters = new Map<number, LinkCounters>();
		for (;;) {
			const received = api.recv(this.#fd, this.#buffer, this.#buffer.length, 0);
			if (received < 0) {
				if (lastErrno() === EINTR) {
					continue;
				}
				checkLibc('read interface statistics', received);
			}
			for (let offset = 0; offset + NLMSG_HEADER <= received; ) {
				const length = this.#buffer.readUInt32LE(offset);
				const type = this.#buffer.readUInt16LE(offset + 4);
				if (length < NLMSG_HEADER || offset + length > received) {
					throw new Error('read interface statistics: a malformed netlink message');
				}
				if (this.#buffer.readUInt32LE(offset + 8) === sequence) {
					if (type === NLMSG_DONE) {
						return counters;
					}
					if (type === NLMSG_ERROR) {
						checkLibc('read interface statistics', -1, -this.#buffer.readInt32LE(offset + NLMSG_HEADER));
					}
					if (type === RTM_NEWSTATS) {
						this.#parse(offset, length, counters);
					}
				}
				offset += align4(length);
			}
		}
	}

	close(): void {
		if (this.#fd >= 0) {
			libbpf().close(this.#fd);
			this.#fd = -1;
		}
	}

	#parse(offset: number, length: number, counters: Map<number, LinkCounters>): void {
		const buffer = this.#buffer;
		const ifindex = buffer.readUInt32LE(offset + NLMSG_HEADER + 4);
		const end = offset + length;
		for (let attribute = offset + NLMSG_HEADER + IF_STATS_MSG; attribute + 4 <= end; ) {
			const attributeLength = buffer.readUInt16LE(attribute);
			if (attributeLength < 4) {
				return;
			}
			if (buffer.readUInt16LE(attribute + 2) === IFLA_STATS_LINK_64 && attributeLength >= 4 + RX_MISSED + 8) {
				const stats = attribute + 4;
				counters.set(ifindex, {
					rxPackets: buffer.readBigUInt64LE(stats + RX_PACKETS),
					rxBytes: buffer.readBigUInt64LE(stats + RX_BYTES),
					// /proc/net/dev's "drop" column is the same sum.
					rxDropped: buffer.readBigUInt64LE(stats + RX_DROPPED) + buffer.readBigUInt64LE(stats + RX_MISSED),
				});
			}
			attribute += align4(attributeLength);
		}
	}
}
