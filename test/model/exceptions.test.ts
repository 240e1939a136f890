import assert from 'node:assert/strict';
import {test} from 'node:test';
import {EXCEPTION_LABELS, emptyReading, exceptionDeltas, exceptionKey, interfaceExceptions, type ExceptionEntry, type ExceptionReading} from '../../source/model/exceptions.js';

const HERE = 4096n;
const NEXT_DOOR = 8192n;

type Counted = Omit<ExceptionEntry, 'count' | 'netnsCookie'> & {count: number; netnsCookie?: bigint};

function reading(atMs: number, entries: readonly Counted[], lost = 0): ExceptionReading {
	return {
		atMs,
		entries: new Map(
			entries.map(entry => {
				const netnsCookie = entry.netnsCookie ?? HERE;
				return [exceptionKey(netnsCookie, entry.progId, entry.ifindex, entry.action), {...entry, netnsCookie, count: BigInt(entry.count)}];
			}),
		),
		lost: BigInt(lost),
	};
}

const byLabel = (rows: ReadonlyArray<{label: string; packets: bigint}>) => Object.fromEntries(rows.filter(row => row.packets > 0n).map(row => [row.label, Number(row.packets)]));

test('counts since the reading before, by action; a key first seen now counts from 0', () => {
	const before = reading(1000, [{progId: 7, ifindex: 3, action: 0, count: 10}]);
	const after = reading(3000, [
		{progId: 7, ifindex: 3, action: 0, count: 30},
		{progId: 7, ifindex: 3, action: 4, count: 5},
	]);
	const failed = interfaceExceptions(exceptionDeltas(before, after), HERE, 3);
	assert.equal(failed?.packets, 25n);
	assert.equal(failed?.pps, 12.5);
	assert.deepEqual(byLabel(failed!.byAction), {ABORTED: 20, 'REDIRECT failed': 5});
	assert.equal(failed!.byAction.length, EXCEPTION_LABELS.length, 'every action, 0 where none');
});

test('the same ifindex in another namespace is another interface, even running the same program', () => {
	const after = reading(2000, [
		{progId: 7, ifindex: 3, action: 0, count: 4},
		{progId: 7, ifindex: 3, action: 0, count: 1000, netnsCookie: NEXT_DOOR},
		{progId: 7, ifindex: 4, action: 3, count: 2},
	]);
	const deltas = exceptionDeltas(emptyReading(1000), after);
	assert.equal(interfaceExceptions(deltas, HERE, 3)?.packets, 4n);
	assert.equal(interfaceExceptions(deltas, NEXT_DOOR, 3)?.packets, 1000n);
	assert.equal(interfaceExceptions(deltas, HERE, 4)?.byAction[3]?.packets, 2n);
	assert.equal(interfaceExceptions(deltas, HERE, 5)?.packets, 0n, 'a measured 0 where nothing failed');
});

test('a program replaced within the interval: both programs\' exceptions count for the interface', () => {
	const before = reading(0, [{progId: 7, ifindex: 3, action: 0, count: 100}]);
	const after = reading(1000, [
		{progId: 7, ifindex: 3, action: 0, count: 150},
		{progId: 8, ifindex: 3, action: 0, count: 30},
	]);
	assert.equal(interfaceExceptions(exceptionDeltas(before, after), HERE, 3)?.packets, 80n);
});

test('a key removed and made again meanwhile counts what it has now, never a negative', () => {
	const deltas = exceptionDeltas(reading(0, [{progId: 7, ifindex: 3, action: 0, count: 100}]), reading(1000, [{progId: 7, ifindex: 3, action: 0, count: 6}]));
	assert.equal(interfaceExceptions(deltas, HERE, 3)?.packets, 6n);
});

test('an action past XDP\'s own is one "invalid action" row, whatever its number', () => {
	const deltas = exceptionDeltas(emptyReading(0), reading(1000, [{progId: 1, ifindex: 2, action: 5, count: 3}, {progId: 1, ifindex: 2, action: 9, count: 1}]));
	assert.deepEqual(byLabel(interfaceExceptions(deltas, HERE, 2)!.byAction), {'invalid action': 4});
});

test('no figure without time between the readings, nor when a full table lost events (then no count is whole)', () => {
	assert.equal(interfaceExceptions(exceptionDeltas(reading(1000, []), reading(1000, [{progId: 1, ifindex: 2, action: 0, count: 1}])), HERE, 2), undefined);
	const full = exceptionDeltas(reading(0, [], 2), reading(1000, [{progId: 1, ifindex: 2, action: 0, count: 1}], 5));
	assert.equal(full.lost, 3n);
	assert.equal(interfaceExceptions(full, HERE, 2), undefined);
	assert.equal(interfaceExceptions(exceptionDeltas(reading(0, [], 5), reading(1000, [], 5)), HERE, 2)?.packets, 0n, 'lost before, not in this interval');
});
