import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {copyCounters, sumAsDouble, sumGrid, sumGridDatarecsAsDouble, sumRecords, totalOf, viewOf} from '../../source/model/counters.js';

/** `keys` keys from `firstKey` of a batch-lookup buffer (key-major: key 0's CPUs, then key 1's ...), each summed over its CPUs. */
function sumPerCpu(values: Buffer, keys: number, cpus: number, stride = 16, firstKey = 0) {
	return Array.from({length: keys}, (_, at) => sumRecords(viewOf(values), (firstKey + at) * cpus * stride, cpus, stride));
}

function perCpuBuffer(values: Array<Array<[number, number]>>): Buffer {
	// values[key][cpu] = [packets, bytes]
	const cpus = values[0]!.length;
	const buffer = Buffer.alloc(values.length * cpus * 16);
	values.forEach((perCpu, key) =>
		perCpu.forEach(([packets, bytes], cpu) => {
			buffer.writeBigUInt64LE(BigInt(packets), (key * cpus + cpu) * 16);
			buffer.writeBigUInt64LE(BigInt(bytes), (key * cpus + cpu) * 16 + 8);
		}),
	);
	return buffer;
}

test('sums each key over every CPU', () => {
	const buffer = perCpuBuffer([
		[[1, 64], [2, 128], [3, 192]],
		[[0, 0], [10, 15000], [0, 0]],
	]);
	assert.deepEqual(sumPerCpu(buffer, 2, 3), [
		{packets: 6n, bytes: 384n},
		{packets: 10n, bytes: 15000n},
	]);
});

test('keeps 64-bit counters exact past 2^53', () => {
	const big = 2n ** 60n + 7n;
	const buffer = Buffer.alloc(32);
	buffer.writeBigUInt64LE(big, 0);
	buffer.writeBigUInt64LE(1n, 16);
	assert.equal(sumPerCpu(buffer, 1, 2)[0]!.packets, big + 1n);
});

test('a buffer too small for keys x CPUs is refused, not read past', () => {
	assert.throws(() => sumPerCpu(Buffer.alloc(16), 1, 2), RangeError);
});

test('totalOf adds records', () => {
	assert.deepEqual(totalOf([{packets: 1n, bytes: 2n}, {packets: 3n, bytes: 4n}]), {packets: 4n, bytes: 6n});
});

test('sums exactly on either side of 2^53, per CPU and over the CPUs', () => {
	const cases: Array<[bigint, bigint]> = [
		[2n ** 52n - 1n, 2n ** 52n - 1n], // each under the fast path's bound, the sum still exact
		[2n ** 52n, 1n], // a high word at the bound
		[2n ** 53n - 1n, 2n ** 53n - 1n], // the sum past 2^53
		[2n ** 64n - 1n, 0n],
	];
	for (const [first, second] of cases) {
		const buffer = Buffer.alloc(32);
		buffer.writeBigUInt64LE(first, 0);
		buffer.writeBigUInt64LE(first, 8);
		buffer.writeBigUInt64LE(second, 16);
		buffer.writeBigUInt64LE(second, 24);
		assert.deepEqual(sumPerCpu(buffer, 1, 2), [{packets: first + second, bytes: first + second}]);
	}
});

test('a slot further in the buffer is summed from its first key', () => {
	const buffer = perCpuBuffer([
		[[1, 10], [2, 20]],
		[[3, 30], [4, 40]],
		[[5, 50], [6, 60]],
	]);
	assert.deepEqual(sumPerCpu(buffer, 2, 2, 16, 1), [
		{packets: 7n, bytes: 70n},
		{packets: 11n, bytes: 110n},
	]);
	assert.throws(() => sumPerCpu(buffer, 2, 2, 16, 2), RangeError);
});

test('sumAsDouble: exact under 2^53, NaN once a value or the sum could lose a unit', () => {
	const values = (...numbers: bigint[]) => {
		const buffer = Buffer.alloc(numbers.length * 16);
		numbers.forEach((value, cpu) => buffer.writeBigUInt64LE(value, cpu * 16));
		return viewOf(buffer);
	};
	assert.equal(sumAsDouble(values(1n, 2n ** 40n, 7n), 0, 3, 16), 2 ** 40 + 8);
	assert.equal(sumAsDouble(values(2n ** 51n, 2n ** 51n, 2n ** 51n, 2n ** 51n - 1n), 0, 4, 16), 2 ** 53 - 1);
	assert.ok(Number.isNaN(sumAsDouble(values(2n ** 51n, 2n ** 51n, 2n ** 51n, 2n ** 51n), 0, 4, 16)), 'the sum reaches 2^53');
	assert.ok(Number.isNaN(sumAsDouble(values(2n ** 52n, 0n), 0, 2, 16)), 'a value of 2^52');
	assert.ok(Number.isNaN(sumAsDouble(values(2n ** 64n - 1n), 0, 1, 16)));
});

test('sumRecords: a class of a slot over its CPUs, a CPU over its classes, or the whole slot; exact past 2^53', () => {
	// Two CPUs of one slot of 3 classes: [cpu][class] = [packets, bytes], each CPU's value 48 bytes.
	const slot = perCpuBuffer([
		[[1, 10], [2, 20], [3, 30]],
		[[4, 40], [5, 50], [2 ** 53, 2 ** 53]],
	]);
	const view = viewOf(slot);
	assert.deepEqual(sumRecords(view, 16, 2, 48), {packets: 2n + 5n, bytes: 20n + 50n}, 'class 1 on both CPUs');
	assert.deepEqual(sumRecords(view, 32, 2, 48), {packets: 3n + 2n ** 53n, bytes: 30n + 2n ** 53n}, 'class 2: past 2^53, exact');
	assert.deepEqual(sumRecords(view, 48, 3, 16), {packets: 9n + 2n ** 53n, bytes: 90n + 2n ** 53n}, 'CPU 1 over its classes');
	assert.deepEqual(sumRecords(view, 0, 6, 16), {packets: 15n + 2n ** 53n, bytes: 150n + 2n ** 53n}, 'the whole slot');
	assert.throws(() => sumRecords(view, 32, 3, 48), RangeError, 'a third CPU is past the buffer');
	assert.throws(() => sumRecords(view, 8, 6, 16), RangeError, 'one byte run past the end');
});

test('sumGrid and sumGridDatarecsAsDouble: a slot over its CPU rows, skipping what lies between the rows', () => {
	// Two rows of 64 bytes: 2 datarecs each, then 32 bytes of padding that must not be counted.
	const rows = Buffer.alloc(128);
	const put = (offset: number, packets: bigint, bytes: bigint) => {
		rows.writeBigUInt64LE(packets, offset);
		rows.writeBigUInt64LE(bytes, offset + 8);
	};
	put(0, 1n, 10n);
	put(16, 2n, 20n);
	put(32, 1000n, 1000n); // padding of row 0
	put(64, 3n, 30n);
	put(80, 4n, 40n);
	put(96, 1000n, 1000n); // padding of row 1
	const view = viewOf(rows);
	const sums = new Float64Array(2);
	const sumsOf = (rowCount = 2) => {
		sums.fill(-1);
		sumGridDatarecsAsDouble(view, 0, rowCount, 64, 2, sums);
		return [...sums];
	};
	assert.deepEqual(sumsOf(), [10, 100]);
	assert.deepEqual(sumsOf(1), [3, 30], 'one row');
	assert.deepEqual(sumGrid(view, 0, 2, 64, 2, 16), {packets: 10n, bytes: 100n});
	put(64, 2n ** 32n + 3n, 2n ** 40n + 30n);
	assert.deepEqual(sumsOf(), [2 ** 32 + 10, 2 ** 40 + 100], 'high words count');
	put(80, 2n ** 53n, 2n ** 63n);
	assert.ok(sumsOf().every(Number.isNaN), 'a value past 2^52');
	assert.deepEqual(sumGrid(view, 0, 2, 64, 2, 16), {packets: 2n ** 32n + 6n + 2n ** 53n, bytes: 2n ** 40n + 60n + 2n ** 63n}, 'exact in BigInt');
	put(80, 4n, 2n ** 52n);
	assert.ok(sumsOf().every(Number.isNaN), 'bytes past 2^52 leave the packets to BigInt too');
	put(64, 3n, 30n);
	put(80, 2n ** 52n - 1n, 0n);
	put(16, 2n ** 52n - 1n, 0n);
	const [packets, bytes] = sumsOf();
	assert.ok(Number.isNaN(packets), 'values each under 2^52 whose sum is past 2^53 - 1');
	assert.equal(bytes, 40, 'the bytes still sum');
	assert.throws(() => sumGrid(view, 0, 3, 64, 2, 16), RangeError, 'a third row is past the buffer');
});

test('copyCounters copies the counters asked for, exactly', () => {
	const from = new BigUint64Array([1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 9n]);
	const to = new BigUint64Array(4);
	copyCounters(from, to, 3);
	assert.deepEqual([...to], [1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 0n], 'only the counters asked for');
	assert.throws(() => copyCounters(from, new BigUint64Array(2), 3), RangeError, 'past the end');
});

test('copyCounters never copies a torn counter while another thread stores to it', async () => {
	// Another thread stores n * (2^32 + 1) into each of 4 counters, n = 1, 2, 3 ..., each u64 whole
	// (one 64-bit store, as a BPF program does): every value it holds has equal words, and every
	// store changes both. A copy that read the two words apart, while a store landed between them,
	// would copy unequal words: a value the counter never held.
	const counters = 4;
	const shared = new SharedArrayBuffer(counters * 8 + 4);
	const values = new BigUint64Array(shared, 0, counters);
	const stop = new Int32Array(shared, counters * 8, 1);
	const adder = new Worker(
		`const {workerData: shared} = require('node:worker_threads');
		const values = new BigUint64Array(shared, 0, ${counters});
		const stop = new Int32Array(shared, ${counters * 8}, 1);
		for (let n = 1n; Atomics.load(stop, 0) === 0 && n < 2n ** 32n; n++) {
			for (let counter = 0; counter < ${counters}; counter++) {
				Atomics.store(values, counter, n * (2n ** 32n + 1n));
			}
		}`,
		{eval: true, workerData: shared},
	);
	const copy = new BigUint64Array(counters);
	const words = new Uint32Array(copy.buffer);
	const last = Array.from({length: counters}, () => 0);
	let moves = 0;
	const deadline = Date.now() + 1000;
	try {
		while (Date.now() < deadline && moves < 200_000) {
			copyCounters(values, copy, counters);
			for (let counter = 0; counter < counters; counter++) {
				const [low, high] = [words[2 * counter]!, words[2 * counter + 1]!];
				assert.equal(low, high, `counter ${counter} copied as ${high}:${low}, a value it never held`);
				assert.ok(low >= last[counter]!, `counter ${counter} went back from ${last[counter]} to ${low}`);
				moves += low === last[counter] ? 0 : 1;
				last[counter] = low;
			}
		}
	} finally {
		Atomics.store(stop, 0, 1);
		await adder.terminate();
	}
	assert.ok(moves > 1000, `the counters moved while they were copied (${moves} times)`);
});
