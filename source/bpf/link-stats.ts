/**
 * Every interface's rx counters in one netlink dump (RTM_GETSTATS asking for IFLA_STATS_LINK_64
 * alone): what /proc/net/dev prints, without the kernel formatting text for every interface and
 * every counter, nor Node parsing it. One kept socket, in the namespace it was made in.
 */
import {type LinkCounters} from '../net/kernel-counters.js';
import {findAttribute, NLMSG_HEADER, RouteSocket} from './netlink.js';

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

const TWO_32 = 2 ** 32;

/** A u64 as a double: exact under 2^53, else NaN (which equals nothing, so it is always decoded again). */
function wordsOf(view: DataView, at: number): number {
	const value = view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
	return value <= Number.MAX_SAFE_INTEGER ? value : Number.NaN;
}

/** One interface's counters, with the doubles they were decoded from: the next read compares those before it makes BigInts. */
class Reading implements LinkCounters {
	readonly rxPackets: bigint;
	readonly rxBytes: bigint;
	readonly rxDropped: bigint;
	readonly #packets: number;
	readonly #bytes: number;
	readonly #dropped: number;
	readonly #missed: number;

	constructor(view: DataView, stats: number, packets: number, bytes: number, dropped: number, missed: number) {
		this.#packets = packets;
		this.#bytes = bytes;
		this.#dropped = dropped;
		this.#missed = missed;
		this.rxPackets = view.getBigUint64(stats + RX_PACKETS, true);
		this.rxBytes = view.getBigUint64(stats + RX_BYTES, true);
		// /proc/net/dev's "drop" column is the same sum.
		this.rxDropped = view.getBigUint64(stats + RX_DROPPED, true) + view.getBigUint64(stats + RX_MISSED, true);
	}

	same(packets: number, bytes: number, dropped: number, missed: number): boolean {
		return packets === this.#packets && bytes === this.#bytes && dropped === this.#dropped && missed === this.#missed;
	}
}

/**
 * The counters in an rtnl_link_stats64 at `stats`. An interface whose counters did not move since
 * `before` keeps that object: on a host of idle interfaces a read makes almost no BigInts.
 */
export function decodeLinkStats(view: DataView, stats: number, before: LinkCounters | undefined): LinkCounters {
	const packets = wordsOf(view, stats + RX_PACKETS);
	const bytes = wordsOf(view, stats + RX_BYTES);
	const dropped = wordsOf(view, stats + RX_DROPPED);
	const missed = wordsOf(view, stats + RX_MISSED);
	return before instanceof Reading && before.same(packets, bytes, dropped, missed) ? before : new Reading(view, stats, packets, bytes, dropped, missed);
}

/** Bytes of struct rtnl_link_stats64 read here: up to rx_missed_errors. */
export const LINK_STATS_READ = RX_MISSED + 8;

export class LinkStatsDump {
	/** Opens the socket; throws where netlink cannot be had. */
	static open(): LinkStatsDump {
		return new LinkStatsDump(RouteSocket.open());
	}

	readonly #socket: RouteSocket;
	readonly #body = Buffer.alloc(IF_STATS_MSG);
	#last = new Map<number, LinkCounters>();

	private constructor(socket: RouteSocket) {
		this.#socket = socket;
		this.#body.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), 8);
	}

	/** By ifindex. Throws (one line) when the kernel answers with an error. */
	read(): Map<number, LinkCounters> {
		const counters = new Map<number, LinkCounters>();
		const {view} = this.#socket;
		const before = this.#last;
		this.#socket.dump(RTM_GETSTATS, this.#body, RTM_NEWSTATS, 'read interface statistics', (offset, length) => {
			const stats = findAttribute(view, offset + NLMSG_HEADER + IF_STATS_MSG, offset + length, IFLA_STATS_LINK_64, LINK_STATS_READ);
			if (stats >= 0) {
				const ifindex = view.getUint32(offset + NLMSG_HEADER + 4, true);
				counters.set(ifindex, decodeLinkStats(view, stats, before.get(ifindex)));
			}
		});
		this.#last = counters;
		return counters;
	}

	close(): void {
		this.#socket.close();
	}
}
