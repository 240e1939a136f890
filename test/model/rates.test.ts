import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ratePerSecond} from '../../source/model/rates.js';
import {computeRates, runRates} from '../../source/model/sample.js';

test('rate uses the real elapsed time, not the nominal interval', () => {
	// 1500 packets over 1.5 s is 1000/s even if the tick was meant to be 1 s.
	assert.equal(ratePerSecond({atMs: 1000, value: 0n}, {atMs: 2500, value: 1500n}), 1000);
});

test('no previous sample or no elapsed time gives an unknown rate', () => {
	assert.equal(ratePerSecond(undefined, {atMs: 1, value: 5n}), undefined);
	assert.equal(ratePerSecond({atMs: 10, value: 0n}, {atMs: 10, value: 5n}), undefined);
	assert.equal(ratePerSecond({atMs: 10, value: 0n}, {atMs: 9, value: 5n}), undefined);
});

test('a counter that goes backwards re-baselines instead of a negative or huge rate', () => {
	assert.equal(ratePerSecond({atMs: 0, value: 10_000n}, {atMs: 1000, value: 3n}), undefined);
});

test('computeRates: kernel and XDP rows, bits from bytes', () => {
	const record = (packets: bigint, bytes: bigint) => ({packets, bytes});
	const rates = computeRates(
		{atMs: 0, kernel: {rxPackets: 0n, rxBytes: 0n}, xdp: {actions: [record(0n, 0n)], protos: [record(5n, 500n)]}},
		{atMs: 2000, kernel: {rxPackets: 200n, rxBytes: 20_000n}, xdp: {actions: [record(100n, 6400n)], protos: [record(4n, 100n)]}},
	);
	assert.equal(rates.elapsedMs, 2000);
	assert.deepEqual(rates.kernelRx, {packets: 200n, bytes: 20_000n, pps: 100, bps: 80_000});
	assert.deepEqual(rates.xdp?.actions[0], {packets: 100n, bytes: 6400n, pps: 50, bps: 25_600});
	// The protocol counter went backwards (a re-created map): unknown, not negative.
	assert.deepEqual(rates.xdp?.protos?.[0], {packets: undefined, bytes: undefined, pps: undefined, bps: undefined});
});

test('computeRates without XDP counters on either side has no XDP rows', () => {
	const rates = computeRates({atMs: 0}, {atMs: 1000, xdp: {actions: [], protos: []}});
	assert.equal(rates.xdp, undefined);
	assert.equal(rates.kernelRx, undefined);
});

test('run-time rates: runs/s, ns per run and the share of one CPU; nothing made up when counters go back', () => {
	assert.deepEqual(runRates([0, 2000], {count: 100n, timeNs: 1_000n}, {count: 2_100n, timeNs: 101_000n}), {
		runs: 2000n,
		runsPerSecond: 1000,
		nsPerRun: 50,
		cpuPercent: 0.005,
	});
	assert.equal(runRates([0, 1000], {count: 5n, timeNs: 5n}, {count: 5n, timeNs: 5n}).nsPerRun, undefined, 'no runs: no average');
	assert.deepEqual(runRates([0, 1000], {count: 5n, timeNs: 5n}, {count: 4n, timeNs: 5n}), {runs: undefined, runsPerSecond: undefined, nsPerRun: undefined, cpuPercent: undefined});
});

test('driver verdicts: rates only between totals over the same set of statistics (queues came or went: none)', () => {
	const counts = (drop: bigint) => ({packets: undefined, verdicts: {ABORTED: undefined, DROP: drop, PASS: 0n, TX: 0n, REDIRECT: 0n}, errors: undefined});
	const same = computeRates({atMs: 0, driver: counts(100n), driverSet: 1}, {atMs: 1000, driver: counts(600n), driverSet: 1});
	assert.equal(same.driver?.verdicts.DROP?.pps, 500);
	// A queue switched back on brings its old counts into the sum: not 5,000 drops in a second.
	const changed = computeRates({atMs: 0, driver: counts(100n), driverSet: 1}, {atMs: 1000, driver: counts(5100n), driverSet: 2});
	assert.equal(changed.driver, undefined);
});
