/**
 * XDP verdict totals from a driver's own statistics (the ETH_SS_STATS set `ethtool -S` shows).
 * A native-mode program that is not ours cannot be counted by us, but many drivers count what
 * their XDP program returns: this maps each known driver's statistic names to verdict totals,
 * summed over queues. Pure: the names are compiled into index lists once per interface, and a
 * tick only adds up values at those indices.
 */

export type Verdict = 'ABORTED' | 'DROP' | 'PASS' | 'TX' | 'REDIRECT';

const VERDICTS: readonly Verdict[] = ['ABORTED', 'DROP', 'PASS', 'TX', 'REDIRECT'];

export interface DriverVerdictCounts {
	/** Frames the XDP program ran on, where the driver counts them. */
	readonly packets: bigint | undefined;
	/** Per verdict: the driver's total, a derived total, or undefined where the driver gives no source. */
	readonly verdicts: Readonly<Record<Verdict, bigint | undefined>>;
	/** Also useful where present: XDP_TX frames that failed to go out, redirect errors. */
	readonly errors: bigint | undefined;
}

export interface DriverVerdictReader {
	readonly driver: string;
	/** What the numbers mean for this driver, for the detail pane: derivations, verdicts counted inside others. */
	readonly notes: readonly string[];
	/** The totals now; `values` indexed like the names the reader was compiled from. */
	read(values: ArrayLike<bigint>): DriverVerdictCounts;
}

/**
 * One counter of a driver, as anchored patterns over statistic names, most preferred first: the
 * first pattern that names any statistic wins, and every statistic it names is added (one per
 * queue). Later patterns are for kernels that name the counter otherwise or keep no total over
 * the queues; using only the first that matches is what keeps a total and its per-queue parts
 * from both being added.
 */
type Counter = readonly RegExp[];

/**
 * A total: the `plus` counters the set has (undefined when it has none of them), less every
 * `minus` counter. Those must all be there: a difference with a term missing is not a smaller
 * truth but a wrong one.
 */
interface Sum {
	readonly plus: readonly Counter[];
	readonly minus?: readonly Counter[];
	/** Shown with the counts whenever the set has this total. */
	readonly note?: string;
}

interface DriverTable {
	readonly packets?: Sum;
	readonly verdicts: Readonly<Partial<Record<Verdict, Sum>>>;
	readonly errors?: Sum;
	/** Shown whenever the driver's counters are. */
	readonly notes: readonly string[];
}

// drivers/net/veth.c: veth_get_strings writes "rx_queue_%u_%.18s" over veth_rq_stats_desc
// (xdp_packets, xdp_bytes, drops, xdp_redirect, xdp_drops, xdp_tx, xdp_tx_errors) for each rx
// queue, then "tx_queue_%u_%.18s" over veth_tq_stats_desc (xdp_xmit, xdp_xmit_errors: frames
// redirected out through this device by any program, so not verdicts of its own). In
// veth_xdp_rcv_one/veth_xdp_rcv_skb, ABORTED and unknown codes fall through to XDP_DROP
// (xdp_drops); a redirect or XDP_TX that fails at once, and a frame veth cannot copy before the
// program runs, count in drops; xdp_tx and xdp_tx_errors are what veth_xdp_flush_bq sent and
// could not send; xdp_packets counts every frame of the queue's NAPI poll. Before 5.7 only
// xdp_packets, xdp_bytes and xdp_drops existed: then TX, REDIRECT and PASS stay unknown.
const VETH: DriverTable = {
	packets: {plus: [[/^rx_queue_\d+_xdp_packets$/]]},
	verdicts: {
		DROP: {plus: [[/^rx_queue_\d+_xdp_drops$/]]},
		TX: {
			plus: [[/^rx_queue_\d+_xdp_tx$/], [/^rx_queue_\d+_xdp_tx_errors$/]],
			note: 'TX = xdp_tx + xdp_tx_errors: the frames sent back and those veth could not send',
		},
		REDIRECT: {plus: [[/^rx_queue_\d+_xdp_redirect$/]], note: 'REDIRECT counts redirects that succeeded; failed ones are among drops'},
		PASS: {
			plus: [[/^rx_queue_\d+_xdp_packets$/]],
			minus: [
				[/^rx_queue_\d+_xdp_drops$/],
				[/^rx_queue_\d+_xdp_tx$/],
				[/^rx_queue_\d+_xdp_tx_errors$/],
				[/^rx_queue_\d+_xdp_redirect$/],
				[/^rx_queue_\d+_drops$/],
			],
			note: 'PASS = xdp_packets − xdp_drops − xdp_tx − xdp_tx_errors − xdp_redirect − drops (veth has no pass counter)',
		},
	},
	errors: {
		plus: [[/^rx_queue_\d+_xdp_tx_errors$/], [/^rx_queue_\d+_drops$/]],
		note: 'errors = xdp_tx_errors + drops: XDP_TX frames not sent, redirects that failed, frames veth could not copy',
	},
	notes: ['ABORTED is counted among the drops (xdp_drops)'],
};

// drivers/net/virtio_net.c: virtnet_rq_stats_desc (packets, bytes, drops, xdp_packets, xdp_tx,
// xdp_redirects, xdp_drops, kicks) and virtnet_sq_stats_desc (packets, bytes, xdp_tx,
// xdp_tx_drops, kicks, ...). Older kernels name them per queue "rx_queue_%u_%s" and
// "tx_queue_%u_%s"; since the device-statistics rework virtnet_get_strings writes totals over
// the queues first ("rx_%s", "tx_%s"), then per queue "rx%u_%s" and "tx%u_%s". The XDP handler
// counts xdp_tx and xdp_redirects when the program returns them, before trying; a try that
// fails, ABORTED and unknown codes end at err_xdp as xdp_drops, as do frames dropped before the
// program runs. The send queue's xdp_tx_drops are frames virtnet_xdp_xmit found no room for,
// from XDP_TX and from redirects into this device alike.
const VIRTIO_NET: DriverTable = {
	packets: {plus: [[/^rx_xdp_packets$/, /^rx(?:_queue_)?\d+_xdp_packets$/]]},
	verdicts: {
		DROP: {
			plus: [[/^rx_xdp_drops$/, /^rx(?:_queue_)?\d+_xdp_drops$/]],
			note: 'DROP also holds ABORTED, XDP_TX and redirects that failed (counted in TX and REDIRECT too), frames dropped before the program',
		},
		TX: {plus: [[/^rx_xdp_tx$/, /^rx(?:_queue_)?\d+_xdp_tx$/]]},
		REDIRECT: {plus: [[/^rx_xdp_redirects$/, /^rx(?:_queue_)?\d+_xdp_redirects$/]]},
		PASS: {
			plus: [[/^rx_xdp_packets$/, /^rx(?:_queue_)?\d+_xdp_packets$/]],
			minus: [
				[/^rx_xdp_drops$/, /^rx(?:_queue_)?\d+_xdp_drops$/],
				[/^rx_xdp_tx$/, /^rx(?:_queue_)?\d+_xdp_tx$/],
				[/^rx_xdp_redirects$/, /^rx(?:_queue_)?\d+_xdp_redirects$/],
			],
			note: 'PASS = xdp_packets − xdp_drops − xdp_tx − xdp_redirects (virtio_net has no pass counter); low by failed XDP_TX and redirects',
		},
	},
	errors: {
		plus: [[/^tx_xdp_tx_drops$/, /^tx(?:_queue_)?\d+_xdp_tx_drops$/]],
		note: 'errors = xdp_tx_drops: frames the XDP send queues had no room for, XDP_TX and redirected in alike',
	},
	notes: ['ABORTED is counted among the drops (xdp_drops)'],
};

// drivers/net/ethernet/mellanox/mlx5/core/en_stats.c: sw_stats_desc names totals over the
// channels ("rx_xdp_drop", "rx_xdp_redirect", "rx_xdp_tx_xmit", "rx_xdp_tx_full",
// "rx_xdp_tx_err", and for AF_XDP zero-copy queues "rx_xsk_xdp_drop", "rx_xsk_xdp_redirect");
// en_stats.h formats the same per channel as "rx%d_<field>", "rx%d_xdp_tx_<field>",
// "rx%d_xsk_<field>": the totals are taken, the per-channel ones only where no total is there.
// en/xdp.c mlx5e_xdp_handle: XDP_PASS is not counted; ABORTED, unknown codes, and an XDP_TX or
// redirect that fails go to xdp_drop; the send queue counts xmit for frames it took, full and
// err for those it refused (which then count as drops). The tx%d_xdp_* names are the queues for
// frames redirected into the device, not verdicts here.
const MLX5: DriverTable = {
	verdicts: {
		DROP: {
			plus: [
				[/^rx_xdp_drop$/, /^rx\d+_xdp_drop$/],
				[/^rx_xsk_xdp_drop$/, /^rx\d+_xsk_xdp_drop$/],
			],
			note: 'DROP = rx_xdp_drop + rx_xsk_xdp_drop: also XDP_TX and redirects that failed',
		},
		TX: {plus: [[/^rx_xdp_tx_xmit$/, /^rx\d+_xdp_tx_xmit$/]], note: 'TX = rx_xdp_tx_xmit: XDP_TX frames the send queue took'},
		REDIRECT: {
			plus: [
				[/^rx_xdp_redirect$/, /^rx\d+_xdp_redirect$/],
				[/^rx_xsk_xdp_redirect$/, /^rx\d+_xsk_xdp_redirect$/],
			],
			note: 'REDIRECT = rx_xdp_redirect + rx_xsk_xdp_redirect: redirects that succeeded',
		},
	},
	errors: {
		plus: [
			[/^rx_xdp_tx_full$/, /^rx\d+_xdp_tx_full$/],
			[/^rx_xdp_tx_err$/, /^rx\d+_xdp_tx_err$/],
		],
		note: 'errors = rx_xdp_tx_full + rx_xdp_tx_err: XDP_TX frames the send queue refused (also among the drops)',
	},
	notes: ['ABORTED is counted among the drops (rx_xdp_drop)', 'mlx5 has no counter for PASS'],
};

// drivers/net/ethernet/amazon/ena/ena_ethtool.c: ena_stats_rx_strings (..., xdp_aborted,
// xdp_drop, xdp_pass, xdp_tx, xdp_invalid, xdp_redirect) written per queue as "queue_%u_rx_%s";
// the XDP send queues are "queue_%u_xdp_tx_%s", the admin queue "ena_admin_q_%s". In
// ena_xdp_execute (ena_netdev.c, later ena_xdp.h) each run adds one to exactly one of the six:
// a redirect that fails to xdp_aborted, an unknown code to xdp_invalid, XDP_TX whether or not the
// frame could be queued. xdp_redirect came after the other five; without it REDIRECT is unknown.
const enaCounter = (field: string): Counter => [new RegExp(`^queue_\\d+_rx_xdp_${field}$`)];
const ENA: DriverTable = {
	packets: {
		plus: ['aborted', 'invalid', 'drop', 'pass', 'tx', 'redirect'].map(enaCounter),
		note: 'packets = the sum of the six verdict counters: ena counts every run once',
	},
	verdicts: {
		ABORTED: {
			plus: [enaCounter('aborted'), enaCounter('invalid')],
			note: 'ABORTED = xdp_aborted + xdp_invalid: also redirects that failed and unknown return codes',
		},
		DROP: {plus: [enaCounter('drop')]},
		PASS: {plus: [enaCounter('pass')]},
		TX: {plus: [enaCounter('tx')], note: 'TX counts XDP_TX whether or not the frame could be sent'},
		REDIRECT: {plus: [enaCounter('redirect')]},
	},
	notes: [],
};

// drivers/net/ethernet/marvell/mvneta.c mvneta_statistics, and the same names in
// drivers/net/ethernet/marvell/mvpp2/mvpp2_main.c mvpp2_ethtool_xdp: one total each,
// "rx_xdp_redirect", "rx_xdp_pass", "rx_xdp_drop", "rx_xdp_tx", "rx_xdp_tx_errors",
// "tx_xdp_xmit", "tx_xdp_xmit_errors" (the tx_ pair: ndo_xdp_xmit, frames redirected in).
// mvneta_run_xdp/mvpp2_run_xdp: ABORTED and unknown codes go to xdp_drop; xdp_redirect only
// when the redirect succeeds (a failed one is counted nowhere); the xmit_back functions add
// xdp_tx for a frame queued and xdp_tx_err for one that was not.
const MARVELL: DriverTable = {
	verdicts: {
		DROP: {plus: [[/^rx_xdp_drop$/]]},
		PASS: {plus: [[/^rx_xdp_pass$/]]},
		TX: {
			plus: [[/^rx_xdp_tx$/], [/^rx_xdp_tx_errors$/]],
			note: 'TX = rx_xdp_tx + rx_xdp_tx_errors: the frames sent back and those that could not be',
		},
		REDIRECT: {plus: [[/^rx_xdp_redirect$/]], note: 'REDIRECT counts redirects that succeeded; failed ones are counted nowhere'},
	},
	errors: {plus: [[/^rx_xdp_tx_errors$/]], note: 'errors = rx_xdp_tx_errors: XDP_TX frames that could not be sent'},
	notes: ['ABORTED is counted among the drops (rx_xdp_drop)'],
};

// drivers/net/ethernet/freescale/fec_main.c: fec_xdp_stat_strs ("rx_xdp_redirect",
// "rx_xdp_pass", "rx_xdp_drop", "rx_xdp_tx", "rx_xdp_tx_errors", "tx_xdp_xmit",
// "tx_xdp_xmit_errors"), summed over the rx queues by fec_enet_get_xdp_stats. The run_xdp code
// counts rx_xdp_redirect and rx_xdp_tx when the program returns them, before trying, and
// rx_xdp_tx_errors for the XDP_TX frames that could not be sent; ABORTED and unknown codes go to
// rx_xdp_drop. The per-queue counters are u32 (struct fec_enet_priv_rx_q in fec.h).
const FEC: DriverTable = {
	verdicts: {
		DROP: {plus: [[/^rx_xdp_drop$/]]},
		PASS: {plus: [[/^rx_xdp_pass$/]]},
		TX: {plus: [[/^rx_xdp_tx$/]], note: 'TX counts every XDP_TX, rx_xdp_tx_errors of them not sent'},
		REDIRECT: {plus: [[/^rx_xdp_redirect$/]], note: 'REDIRECT counts every redirect, also those that failed'},
	},
	errors: {plus: [[/^rx_xdp_tx_errors$/]], note: 'errors = rx_xdp_tx_errors: XDP_TX frames that could not be sent'},
	notes: ['ABORTED is counted among the drops (rx_xdp_drop)', 'fec keeps these counters 32 bits wide per queue: they wrap'],
};

/** By the driver name the ethtool ioctl reports (struct ethtool_drvinfo.driver). */
const TABLES: Readonly<Record<string, DriverTable>> = {
	veth: VETH,
	virtio_net: VIRTIO_NET,
	mlx5_core: MLX5,
	ena: ENA,
	mvneta: MARVELL,
	mvpp2: MARVELL,
	fec: FEC,
};

/** The drivers the table knows, for the README/help. */
/** Why a program in generic (or offload) mode has no driver verdicts: one wording, pane and --once. */
export const NOT_NATIVE = 'not in native mode, where no driver counts verdicts';

export const KNOWN_DRIVERS: readonly string[] = Object.keys(TABLES);

/**
 * Drivers with native XDP whose statistics hold no verdict counts, and why, for the detail pane
 * (driverVerdictReader gives undefined for them).
 */
export const NO_XDP_COUNTERS: Readonly<Record<string, string>> = {
	// drivers/net/ethernet/intel/ixgbe/ixgbe_ethtool.c: ixgbe_gstrings_stats and per queue
	// "tx_queue_%u_packets/bytes", "rx_queue_%u_packets/bytes": nothing per verdict.
	ixgbe: 'ixgbe has no XDP verdict counters in ethtool -S',
	// drivers/net/ethernet/intel/i40e/i40e_ethtool.c: i40e_gstrings_queue_stats (packets, bytes)
	// per queue as "tx-%u.tx_packets" and the like: nothing per verdict.
	i40e: 'i40e has no XDP verdict counters in ethtool -S',
	// drivers/net/ethernet/intel/ice/ice_ethtool.c: ice_gstrings_vsi_stats, ice_gstrings_pf_stats
	// and per queue "tx_queue_%u_packets/bytes", "rx_queue_%u_packets/bytes": nothing per verdict.
	ice: 'ice has no XDP verdict counters in ethtool -S',
};

interface CompiledSum {
	readonly plus: Uint32Array;
	readonly minus: Uint32Array;
	readonly derived: boolean;
}

function indicesOf(counter: Counter, names: readonly string[]): number[] {
	for (const pattern of counter) {
		const indices: number[] = [];
		names.forEach((name, index) => {
			if (pattern.test(name)) {
				indices.push(index);
			}
		});
		if (indices.length > 0) {
			return indices;
		}
	}
	return [];
}

function compileSum(sum: Sum | undefined, names: readonly string[]): CompiledSum | undefined {
	if (!sum) {
		return undefined;
	}
	const plus = sum.plus.flatMap((counter) => indicesOf(counter, names));
	const minus: number[] = [];
	for (const counter of sum.minus ?? []) {
		const indices = indicesOf(counter, names);
		if (indices.length === 0) {
			return undefined;
		}
		minus.push(...indices);
	}
	if (plus.length === 0) {
		return undefined;
	}
	return {plus: Uint32Array.from(plus), minus: Uint32Array.from(minus), derived: minus.length > 0};
}

function add(values: ArrayLike<bigint>, indices: Uint32Array): bigint {
	let sum = 0n;
	for (const index of indices) {
		sum += values[index]!; // read() checked every index is within values.
	}
	return sum;
}

function total(values: ArrayLike<bigint>, sum: CompiledSum | undefined): bigint | undefined {
	if (!sum) {
		return undefined;
	}
	const value = add(values, sum.plus) - add(values, sum.minus);
	// The queues are read one after another, not at one instant, and some drivers count a frame
	// twice: a derived total can dip below zero, which is no count of anything.
	return sum.derived && value < 0n ? 0n : value;
}

/**
 * Compiles the reader for one interface's statistic names (they do not change while the device
 * lives); undefined when this driver, or this set of its statistics, has no XDP counters.
 */
export function driverVerdictReader(driver: string, names: readonly string[]): DriverVerdictReader | undefined {
	const table = Object.hasOwn(TABLES, driver) ? TABLES[driver] : undefined;
	if (!table) {
		return undefined;
	}
	const packets = compileSum(table.packets, names);
	const verdicts = VERDICTS.map((verdict) => [verdict, compileSum(table.verdicts[verdict], names)] as const);
	const errors = compileSum(table.errors, names);
	const found = [packets, errors, ...verdicts.map(([, sum]) => sum)].filter((sum): sum is CompiledSum => sum !== undefined);
	if (found.length === 0) {
		return undefined;
	}
	const needed = Math.max(...found.flatMap((sum) => [...sum.plus, ...sum.minus])) + 1;
	const sumNotes = [
		packets && table.packets?.note,
		...verdicts.map(([verdict, sum]) => sum && table.verdicts[verdict]?.note),
		errors && table.errors?.note,
	].filter((note): note is string => typeof note === 'string');
	return {
		driver,
		notes: [...table.notes, ...sumNotes],
		read(values) {
			if (values.length < needed) {
				throw new RangeError(`${driver} statistics: ${values.length} values, ${needed} names compiled`);
			}
			const counts: Record<Verdict, bigint | undefined> = {ABORTED: undefined, DROP: undefined, PASS: undefined, TX: undefined, REDIRECT: undefined};
			for (const [verdict, sum] of verdicts) {
				counts[verdict] = total(values, sum);
			}
			return {packets: total(values, packets), verdicts: counts, errors: total(values, errors)};
		},
	};
}
