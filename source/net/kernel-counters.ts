/** The kernel's own per-interface counters, read for all interfaces at once. */
import {LinkStatsDump} from '../bpf/link-stats.js';
import {type Visit} from '../bpf/netns.js';

export interface LinkCounters {
	readonly rxBytes: bigint;
	readonly rxPackets: bigint;
	/** What /proc/net/dev's "drop" column counts: rx_dropped and rx_missed_errors. */
	readonly rxDropped: bigint;
}

/**
 * One netlink dump per read, whatever the number of interfaces, over one kept socket: at 1,024
 * interfaces it costs a fraction of /proc/net/dev, where the kernel formats every counter of every
 * interface as text and Node parses it back (see `make bench`, section 3). By ifindex, so a name
 * that is not UTF-8 or a rename between two reads changes nothing.
 */
export class KernelCounters {
	#dump: LinkStatsDump | undefined;
	readonly #within: Visit | undefined;

	/** `within`: another namespace's, whose socket is then made there (and stays there). */
	constructor(within?: Visit) {
		this.#within = within;
	}

	/** Throws (one line) when the kernel's counters cannot be read; the next read then starts on a new socket. */
	read(): ReadonlyMap<number, LinkCounters> {
		this.#dump ??= this.#within ? this.#within(() => LinkStatsDump.open()) : LinkStatsDump.open();
		try {
			return this.#dump.read();
		} catch (error) {
			// A dump given up midway runs on in the kernel, and the socket would answer EBUSY to
			// the next requests until it is drained.
			this.close();
			throw error;
		}
	}

	close(): void {
		this.#dump?.close();
		this.#dump = undefined;
	}
}
