import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	EXCEPTION_LABELS,
	emptyReading,
	exceptionDeltas,
	exceptionKey,
	interfaceExceptions,
	type ExceptionEntry,
	type ExceptionReading,
} from '../../source/model/exceptions.js';

function reading(atMs: number, entries: ReadonlyArray<Omit<ExceptionEntry, 'count'> & {count: number}>, lost = 0): ExceptionReading {
	return {
		atMs,
		entries: new Map(entries.map(entry => [exceptionKey(entry.progId, entry.ifindex, entry.action), {...entry, count: BigInt(entry.count)}])),
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
	const failed = interfaceExceptions(exceptionDeltas(before, after), 3, [7]);
	assert.equal(failed?.packets, 25n);
	assert.equal(failed?.pps, 12.5);
	assert.deepEqual(byLabel(failed!.byAction), {ABORTED: 20, 'REDIRECT failed': 5});
	assert.equal(failed!.byAction.length, EXCEPTION_LABELS.length, 'every action, 0 where none');
});

test('only the programs attached to the interface: the same ifindex in another namespace runs another program', () => {
	const after = reading(2000, [
		{progId: 7, ifindex: 3, action: 0, count: 4},
		{progId: 99, ifindex: 3, action: 0, count: 1000},
		{progId: 7, ifindex: 4, action: 3, count: 2},
	]);
	const deltas = exceptionDeltas(emptyReading(1000), after);
	assert.equal(interfaceExceptions(deltas, 3, [7])?.packets, 4n);
	assert.equal(interfaceExceptions(deltas, 3, [7, 99])?.packets, 1004n, 'both when both are attached (generic and native)');
	assert.equal(interfaceExceptions(deltas, 4, [7])?.byAction[3]?.packets, 2n);
	assert.equal(interfaceExceptions(deltas, 5, [7])?.packets, 0n, 'a measured 0 where nothing failed');
});

test('an action past XDP\'s own is one "invalid action" row, whatever its number', () => {
	const deltas = exceptionDeltas(emptyReading(0), reading(1000, [{progId: 1, ifindex: 2, action: 5, count: 3}, {progId: 1, ifindex: 2, action: 9, count: 1}]));
	assert.deepEqual(byLabel(interfaceExceptions(deltas, 2, [1])!.byAction), {'invalid action': 4});
});

test('no rate without time between the readings; events lost to a full table are kept apart', () => {
	const deltas = exceptionDeltas(reading(1000, [], 2), reading(1000, [{progId: 1, ifindex: 2, action: 0, count: 1}], 5));
	assert.equal(interfaceExceptions(deltas, 2, [1]), undefined);
	assert.equal(deltas.lost, 3n);
});
