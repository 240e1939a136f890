import assert from 'node:assert/strict';
import {test} from 'node:test';
import {driverVerdictReader, KNOWN_DRIVERS, NO_XDP_COUNTERS, type DriverVerdictCounts} from '../../source/model/driver-verdicts.js';

/**
 * A string set with its values, each name beside its value. Values are chosen so that every sum
 * the reader may form is different: a wrong index, a missed queue or a counter added twice
 * gives another number.
 */
type Statistics = ReadonlyArray<readonly [string, bigint]>;

function read(driver: string, statistics: Statistics): DriverVerdictCounts {
	const reader = driverVerdictReader(driver, statistics.map(([name]) => name));
	assert.ok(reader, `${driver} should have a reader for this set`);
	return reader.read(statistics.map(([, value]) => value));
}

function verdicts(aborted?: bigint, drop?: bigint, pass?: bigint, tx?: bigint, redirect?: bigint) {
	return {ABORTED: aborted, DROP: drop, PASS: pass, TX: tx, REDIRECT: redirect};
}

/** Per queue, as the driver formats them: `format(queue, field)` for each queue, fields in order. */
function perQueue(queues: number, format: (queue: number, field: string) => string, fields: Record<string, readonly bigint[]>): Statistics {
	const statistics: Array<readonly [string, bigint]> = [];
	for (let queue = 0; queue < queues; queue++) {
		for (const [field, values] of Object.entries(fields)) {
			statistics.push([format(queue, field), values[queue]!]);
		}
	}
	return statistics;
}

let unrelatedBit = 40n;

/**
 * Values for statistics no total may include, two queues' worth each: powers of two far above
 * every verdict value here and all different, so taking one by mistake shows.
 */
function unrelated(...fields: string[]): Record<string, bigint[]> {
	return Object.fromEntries(fields.map((field) => [field, [1n << unrelatedBit++, 1n << unrelatedBit++]]));
}

/** The same for statistics outside the queues. */
function unrelatedNames(...names: string[]): Statistics {
	return names.map((name) => [name, 1n << unrelatedBit++] as const);
}

/** The veth string set recorded on this machine's 6.x kernel (2 CPUs, one rx queue). */
const VETH_RECORDED: Statistics = [
	['peer_ifindex', 7n],
	['rx_queue_0_xdp_packets', 1000n],
	['rx_queue_0_xdp_bytes', 64_000n],
	['rx_queue_0_drops', 3n],
	['rx_queue_0_xdp_redirect', 100n],
	['rx_queue_0_xdp_drops', 200n],
	['rx_queue_0_xdp_tx', 300n],
	['rx_queue_0_xdp_tx_errors', 5n],
	['tx_queue_0_xdp_xmit', 40_000n],
	['tx_queue_0_xdp_xmit_errors', 50_000n],
];

const vethRx = (queue: number, field: string) => `rx_queue_${queue}_${field}`;

test('veth: the set recorded on this machine, PASS derived', () => {
	assert.deepEqual(read('veth', VETH_RECORDED), {
		packets: 1000n,
		// PASS = 1000 − 200 − 300 − 5 − 100 − 3
		verdicts: verdicts(undefined, 200n, 392n, 305n, 100n),
		errors: 8n,
	});
});

test('veth: two rx and two tx queues, summed', () => {
	const rx = perQueue(2, vethRx, {
		xdp_packets: [1000n, 20_000n],
		xdp_bytes: [1n << 40n, 1n << 41n],
		drops: [1n, 2n],
		xdp_redirect: [10n, 200n],
		xdp_drops: [30n, 400n],
		xdp_tx: [50n, 600n],
		xdp_tx_errors: [4n, 8n],
	});
	const tx = perQueue(2, (queue, field) => `tx_queue_${queue}_${field}`, {xdp_xmit: [1n << 42n, 1n << 43n], xdp_xmit_errors: [1n << 44n, 1n << 45n]});
	const counts = read('veth', [['peer_ifindex', 9n], ...rx, ...tx]);
	assert.deepEqual(counts, {
		packets: 21_000n,
		verdicts: verdicts(undefined, 430n, 21_000n - 430n - 650n - 12n - 210n - 3n, 662n, 210n),
		errors: 15n,
	});
});

test('veth: ABORTED is unknown, and the notes say why PASS is derived', () => {
	const reader = driverVerdictReader('veth', VETH_RECORDED.map(([name]) => name));
	assert.ok(reader?.notes.some((note) => note.includes('ABORTED') && note.includes('drops')));
	assert.ok(reader?.notes.some((note) => note.startsWith('PASS = ')));
});

test('veth before 5.7 (xdp_packets, xdp_bytes, xdp_drops): no PASS is derived from too few terms', () => {
	const counts = read('veth', [
		['peer_ifindex', 3n],
		['rx_queue_0_xdp_packets', 500n],
		['rx_queue_0_xdp_bytes', 1n << 40n],
		['rx_queue_0_xdp_drops', 20n],
	]);
	assert.deepEqual(counts, {packets: 500n, verdicts: verdicts(undefined, 20n), errors: undefined});
	const reader = driverVerdictReader('veth', ['peer_ifindex', 'rx_queue_0_xdp_packets', 'rx_queue_0_xdp_bytes', 'rx_queue_0_xdp_drops']);
	assert.ok(!reader?.notes.some((note) => note.startsWith('PASS = ')));
});

test('a derived PASS that dips below zero (queues read one after another) reads as zero', () => {
	const counts = read('veth', perQueue(1, vethRx, {xdp_packets: [10n], drops: [0n], xdp_redirect: [0n], xdp_drops: [7n], xdp_tx: [9n], xdp_tx_errors: [0n]}));
	assert.equal(counts.verdicts.PASS, 0n);
});

/** Per-queue values of virtio_net's driver statistics (virtnet_rq_stats_desc, virtnet_sq_stats_desc), two queue pairs. */
const virtioRx: Record<string, readonly bigint[]> = {
	...unrelated('packets', 'bytes', 'drops'),
	xdp_packets: [1000n, 30_000n],
	xdp_tx: [100n, 2000n],
	xdp_redirects: [10n, 400n],
	xdp_drops: [20n, 5000n],
	...unrelated('kicks'),
};
// The send queues' xdp_tx counts frames handed to them, not verdicts.
const virtioTx: Record<string, readonly bigint[]> = {...unrelated('packets', 'bytes', 'xdp_tx'), xdp_tx_drops: [3n, 60n], ...unrelated('kicks', 'tx_timeouts')};
const VIRTIO_EXPECTED = {packets: 31_000n, verdicts: verdicts(undefined, 5020n, 31_000n - 5020n - 2100n - 410n, 2100n, 410n), errors: 63n};

function sumOf(values: readonly bigint[]): bigint {
	return values.reduce((sum, value) => sum + value, 0n);
}

test('virtio_net, per-queue names before the statistics rework (rx_queue_N_, tx_queue_N_)', () => {
	const counts = read('virtio_net', [
		...perQueue(2, (queue, field) => `rx_queue_${queue}_${field}`, virtioRx),
		...perQueue(2, (queue, field) => `tx_queue_${queue}_${field}`, virtioTx),
	]);
	assert.deepEqual(counts, VIRTIO_EXPECTED);
});

test('virtio_net, totals (rx_, tx_) then per queue (rxN_, txN_): each counted once', () => {
	const totals: Statistics = [
		...Object.entries(virtioRx).map(([field, values]) => [`rx_${field}`, sumOf(values)] as const),
		...Object.entries(virtioTx).map(([field, values]) => [`tx_${field}`, sumOf(values)] as const),
	];
	const counts = read('virtio_net', [
		...totals,
		...perQueue(2, (queue, field) => `rx${queue}_${field}`, virtioRx),
		...perQueue(2, (queue, field) => `tx${queue}_${field}`, virtioTx),
	]);
	assert.deepEqual(counts, VIRTIO_EXPECTED);
});

test('virtio_net: ABORTED is counted among the drops, PASS is derived', () => {
	const reader = driverVerdictReader('virtio_net', Object.keys(virtioRx).map((field) => `rx_queue_0_${field}`));
	assert.ok(reader?.notes.some((note) => note.includes('ABORTED') && note.includes('drops')));
	assert.ok(reader?.notes.some((note) => note.startsWith('PASS = ')));
});

/** mlx5 names: the channel totals (sw_stats_desc) and per channel (rq, xskrq, rq_xdpsq, xdpsq). */
const mlx5Channels: Statistics = [
	...perQueue(2, (channel, field) => `ch${channel}_${field}`, unrelated('events')),
	...perQueue(2, (channel, field) => `rx${channel}_${field}`, {
		...unrelated('packets'),
		xdp_drop: [100n, 2000n],
		xdp_redirect: [30n, 400n],
		xsk_xdp_drop: [5n, 60n],
		xsk_xdp_redirect: [7n, 80n],
		xdp_tx_xmit: [1000n, 20_000n],
		xdp_tx_full: [1n, 2n],
		xdp_tx_err: [10n, 20n],
		...unrelated('xdp_tx_cqes'),
	}),
	// The queues for frames redirected into the device: not verdicts of its program.
	...perQueue(2, (channel, field) => `tx${channel}_${field}`, unrelated('packets', 'xdp_xmit', 'xdp_full', 'xdp_err')),
];
const mlx5Totals: Statistics = [
	...unrelatedNames('rx_packets', 'rx_bytes'),
	['rx_xdp_drop', 2100n],
	['rx_xdp_redirect', 430n],
	['rx_xdp_tx_xmit', 21_000n],
	...unrelatedNames('rx_xdp_tx_mpwqe', 'rx_xdp_tx_inlnw', 'rx_xdp_tx_nops'),
	['rx_xdp_tx_full', 3n],
	['rx_xdp_tx_err', 30n],
	...unrelatedNames('rx_xdp_tx_cqe', 'tx_xdp_xmit', 'tx_xdp_full', 'tx_xdp_err', 'rx_xsk_packets'),
	['rx_xsk_xdp_drop', 65n],
	['rx_xsk_xdp_redirect', 87n],
	...unrelatedNames('tx_xsk_xmit', 'ptp_rx0_packets'),
];
const MLX5_EXPECTED = {packets: undefined, verdicts: verdicts(undefined, 2165n, undefined, 21_000n, 517n), errors: 33n};

test('mlx5_core: the totals and the per-channel names both there, counted once', () => {
	assert.deepEqual(read('mlx5_core', [...mlx5Totals, ...mlx5Channels]), MLX5_EXPECTED);
});

test('mlx5_core: per-channel names alone are summed', () => {
	assert.deepEqual(read('mlx5_core', mlx5Channels), MLX5_EXPECTED);
});

test('mlx5_core: no PASS counter, and the notes say so', () => {
	const reader = driverVerdictReader('mlx5_core', mlx5Totals.map(([name]) => name));
	assert.ok(reader?.notes.some((note) => note.includes('PASS')));
	assert.ok(reader?.notes.some((note) => note.includes('ABORTED') && note.includes('drops')));
});

test('ena: every verdict per queue, invalid codes with ABORTED, packets their sum', () => {
	// The k-th verdict counter holds 10^k on queue 0 and twice that on queue 1: 3·10^k in all.
	const verdictFields = ['aborted', 'drop', 'pass', 'tx', 'invalid', 'redirect'];
	const rx: Record<string, readonly bigint[]> = {
		...unrelated('cnt', 'bytes', 'csum_unchecked'),
		...Object.fromEntries(verdictFields.map((field, k) => [`xdp_${field}`, [10n ** BigInt(k), 2n * 10n ** BigInt(k)]])),
	};
	// ena_queue_strings: per I/O queue its tx then its rx statistics, then the XDP send queues.
	const queues = [0, 1].flatMap((queue): Statistics => [
		...unrelatedNames(`queue_${queue}_tx_cnt`),
		...Object.entries(rx).map(([field, values]) => [`queue_${queue}_rx_${field}`, values[queue]!] as const),
	]);
	const statistics: Statistics = [
		...unrelatedNames('tx_timeout', 'interface_up'),
		...queues,
		...unrelatedNames('queue_2_xdp_tx_cnt', 'queue_3_xdp_tx_cnt', 'ena_admin_q_aborted_cmd'),
	];
	assert.deepEqual(read('ena', statistics), {
		packets: 333_333n,
		verdicts: verdicts(30_003n, 30n, 300n, 3000n, 300_000n),
		errors: undefined,
	});
});

/**
 * The seven XDP totals mvneta, mvpp2 and fec all name alike, in their order; the tx_ pair (frames
 * redirected in) with values no verdict may include.
 */
function xdpTotals(redirect: bigint, pass: bigint, drop: bigint, tx: bigint, txErrors: bigint): Statistics {
	return [
		['rx_xdp_redirect', redirect],
		['rx_xdp_pass', pass],
		['rx_xdp_drop', drop],
		['rx_xdp_tx', tx],
		['rx_xdp_tx_errors', txErrors],
		...unrelatedNames('tx_xdp_xmit', 'tx_xdp_xmit_errors'),
	];
}

const marvellStatistics: Statistics = [
	...unrelatedNames('good_octets_received', 'rx_discard', 'skb_alloc_errors', 'refill_errors'),
	...xdpTotals(1n, 10n, 100n, 1000n, 10_000n),
];

test('mvneta: totals, TX with the frames that could not be sent', () => {
	assert.deepEqual(read('mvneta', marvellStatistics), {
		packets: undefined,
		verdicts: verdicts(undefined, 100n, 10n, 11_000n, 1n),
		errors: 10_000n,
	});
});

test('mvpp2 shares mvneta\'s names', () => {
	assert.deepEqual(read('mvpp2', marvellStatistics), read('mvneta', marvellStatistics));
});

test('fec: totals, XDP_TX errors already inside rx_xdp_tx', () => {
	const statistics: Statistics = [
		...unrelatedNames('tx_dropped', 'tx_packets', 'IEEE_rx_octets_ok'),
		...xdpTotals(1n, 10n, 100n, 1000n, 7n),
		...unrelatedNames('rx_pp_alloc_fast'),
	];
	assert.deepEqual(read('fec', statistics), {
		packets: undefined,
		verdicts: verdicts(undefined, 100n, 10n, 1000n, 1n),
		errors: 7n,
	});
});

test('fec from before its XDP counters: no reader', () => {
	assert.equal(driverVerdictReader('fec', ['tx_dropped', 'tx_packets', 'IEEE_rx_octets_ok']), undefined);
});

test('an unknown driver, and ixgbe, have no reader; ixgbe and its kin say why', () => {
	assert.equal(driverVerdictReader('e1000', ['rx_packets', 'rx_xdp_drop']), undefined);
	assert.equal(driverVerdictReader('ixgbe', ['rx_packets', 'tx_queue_0_packets', 'rx_queue_0_packets', 'rx_queue_0_bytes']), undefined);
	for (const driver of ['ixgbe', 'i40e', 'ice']) {
		assert.match(NO_XDP_COUNTERS[driver] ?? '', new RegExp(`^${driver} `));
		assert.equal(driverVerdictReader(driver, ['rx_xdp_drop', 'rx_queue_0_xdp_drops']), undefined);
	}
	// A name inherited from Object.prototype is no driver.
	assert.equal(driverVerdictReader('constructor', ['rx_xdp_drop']), undefined);
});

test('the known drivers and those without counters do not overlap', () => {
	assert.deepEqual([...KNOWN_DRIVERS].sort(), ['ena', 'fec', 'mlx5_core', 'mvneta', 'mvpp2', 'veth', 'virtio_net']);
	for (const driver of Object.keys(NO_XDP_COUNTERS)) {
		assert.ok(!KNOWN_DRIVERS.includes(driver));
	}
});

test('values fewer than the names compiled are refused, not read as zero', () => {
	const reader = driverVerdictReader('mvneta', marvellStatistics.map(([name]) => name));
	assert.throws(() => reader?.read([1n, 2n]), RangeError);
});
