/**
 * Every interface's rx counters in one netlink dump (RTM_GETSTATS asking for IFLA_STATS_LINK_64
 * alone): what /proc/net/dev prints, without the kernel formatting text for every interface and
 * every counter, nor Node parsing it. One kept socket, in the namespace it was made in.
 */
import {type LinkCounters} from '../net/kernel-counters.js';
import {forEachAttribute, NLMSG_HEADER, RouteSocket} from './netlink.js';

const RTM_NEWSTATS = 92;
const RTM_GETSTATS = 94;
/** struct if_stats_msg: family, two pads, ifindex, filter_mask. */
const IF_STATS_MSG = 12;
const IFLA_STATS_LINK_64 = 1;
/** struct rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, ... rx_dropped at 48, rx_missed_errors at 128. */
const RX_PACKETS = 0;
const RX_BYTES = 16;
const RX_DROPPED = 48;
const RX_MISSED = 128;

export class LinkStatsDump {
	/** Opens the socket; throws where netlink cannot be had. */
	static open(): LinkStatsDump {
		return new LinkStatsDump(RouteSocket.open());
	}

	readonly #socket: RouteSocket;
	readonly #body = Buffer.alloc(IF_STATS_MSG);

	private constructor(socket: RouteSocket) {
		this.#socket = socket;
		this.#body.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), 8);
	}

	/** By ifindex. Throws (one line) when the kernel answers with an error. */
	read(): Map<number, LinkCounters> {
		const counters = new Map<number, LinkCounters>();
		const {buffer} = this.#socket;
		this.#socket.dump(RTM_GETSTATS, this.#body, RTM_NEWSTATS, 'read interface statistics', (offset, length) => {
			const ifindex = buffer.readUInt32LE(offset + NLMSG_HEADER + 4);
			forEachAttribute(buffer, offset + NLMSG_HEADER + IF_STATS_MSG, offset + length, (type, stats, size) => {
				if (type === IFLA_STATS_LINK_64 && size >= RX_MISSED + 8) {
					counters.set(ifindex, {
						rxPackets: buffer.readBigUInt64LE(stats + RX_PACKETS),
						rxBytes: buffer.readBigUInt64LE(stats + RX_BYTES),
						// /proc/net/dev's "drop" column is the same sum.
						rxDropped: buffer.readBigUInt64LE(stats + RX_DROPPED) + buffer.readBigUInt64LE(stats + RX_MISSED),
					});
				}
			});
		});
		return counters;
	}

	close(): void {
		this.#socket.close();
	}
}
