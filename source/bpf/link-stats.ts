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

const WORDS = 4;

/**
 * The last read's counters by their position in the dump, with the ifindex and the doubles each
 * was decoded from. The kernel dumps interfaces in the same order each time (ifindex order on
 * current kernels), so an interface is at its last position unless one before it came or went
 * (then it is only decoded again); one whose counters did not move keeps its object. A host
 * of idle interfaces then costs no BigInts, and the check reads flat arrays in order: a Map of
 * last readings by ifindex cost twice as much at 2,049 interfaces, in cache misses.
 */
export class CountersByPosition {
	#ifindexes = new Float64Array(64);
	#words = new Float64Array(64 * WORDS);
	readonly #counters: LinkCounters[] = [];

	/** What was at that position after the last dump: what take() returns there if nothing changed. */
	at(position: number): LinkCounters | undefined {
		return this.#counters[position];
	}

	/** The ifindex at that position after the last dump (0: none yet). */
	ifindexAt(position: number): number {
		return this.#ifindexes[position] ?? 0;
	}

	/** The counters in an rtnl_link_stats64 at `stats`, of the interface at `position` of this dump. */
	take(position: number, ifindex: number, view: DataView, stats: number): LinkCounters {
		if (position >= this.#ifindexes.length) {
			this.#grow(position);
		}
		const packets = wordsOf(view, stats + RX_PACKETS);
		const bytes = wordsOf(view, stats + RX_BYTES);
		const dropped = wordsOf(view, stats + RX_DROPPED);
		const missed = wordsOf(view, stats + RX_MISSED);
		const words = this.#words;
		const at = position * WORDS;
		if (this.#ifindexes[position] === ifindex && words[at] === packets && words[at + 1] === bytes && words[at + 2] === dropped && words[at + 3] === missed) {
			return this.#counters[position]!;
		}
		const decoded: LinkCounters = {
			rxPackets: view.getBigUint64(stats + RX_PACKETS, true),
			rxBytes: view.getBigUint64(stats + RX_BYTES, true),
			// /proc/net/dev's "drop" column is the same sum.
			rxDropped: view.getBigUint64(stats + RX_DROPPED, true) + view.getBigUint64(stats + RX_MISSED, true),
		};
		this.#ifindexes[position] = ifindex;
		words[at] = packets;
		words[at + 1] = bytes;
		words[at + 2] = dropped;
		words[at + 3] = missed;
		this.#counters[position] = decoded;
		return decoded;
	}

	#grow(position: number): void {
		const size = Math.max(position + 1, this.#ifindexes.length * 2);
		const ifindexes = new Float64Array(size);
		ifindexes.set(this.#ifindexes);
		const words = new Float64Array(size * WORDS);
		words.set(this.#words);
		this.#ifindexes = ifindexes;
		this.#words = words;
	}
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
	readonly #last = new CountersByPosition();
	readonly #byIfindex = new Map<number, LinkCounters>();
	/** Interfaces in the last dump. */
	#count = 0;

	private constructor(socket: RouteSocket) {
		this.#socket = socket;
		this.#body.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), 8);
	}

	/**
	 * By ifindex. The map is this reader's, and the next read updates it: it is read in full
	 * before that. An interface whose counters did not move costs no write to it; when interfaces
	 * came or went, it is made again. Throws (one line) when the kernel answers with an error.
	 */
	read(): ReadonlyMap<number, LinkCounters> {
		const byIfindex = this.#byIfindex;
		const {view} = this.#socket;
		const last = this.#last;
		let position = 0;
		let moved = false;
		const lastCount = this.#count;
		// Should the dump fail midway, the next read makes the map again.
		this.#count = -1;
		this.#socket.dump(RTM_GETSTATS, this.#body, RTM_NEWSTATS, 'read interface statistics', (offset, length) => {
			const stats = findAttribute(view, offset + NLMSG_HEADER + IF_STATS_MSG, offset + length, IFLA_STATS_LINK_64, LINK_STATS_READ);
			if (stats >= 0) {
				const ifindex = view.getUint32(offset + NLMSG_HEADER + 4, true);
				moved ||= last.ifindexAt(position) !== ifindex;
				const before = last.at(position);
				const counters = last.take(position++, ifindex, view, stats);
				if (counters !== before) {
					byIfindex.set(ifindex, counters);
				}
			}
		});
		if (moved || position !== lastCount) {
			byIfindex.clear();
			for (let at = 0; at < position; at++) {
				byIfindex.set(last.ifindexAt(at), last.at(at)!);
			}
		}
		this.#count = position;
		return byIfindex;
	}

	close(): void {
		this.#socket.close();
	}
}
