import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatClock, formatPercent, formatSi} from '../../source/model/format.js';

test('three significant digits with SI prefixes', () => {
	const cases: Array<[number, string]> = [
		[0, '0'],
		[7, '7'],
		[88, '88'],
		[5.5, '5.50'],
		[999, '999'],
		[999.6, '1.00k'],
		[1234, '1.23k'],
		[12_400, '12.4k'],
		[402_000, '402k'],
		[1_210_000, '1.21M'],
		[9_870_000_000, '9.87G'],
		[13e9, '13.0G'],
		[0.5, '0.5'],
	];
	for (const [value, text] of cases) {
		assert.equal(formatSi(value), text, String(value));
	}
});

test('an unknown rate is a dash, never a wrong 0', () => {
	assert.equal(formatSi(undefined), '—');
	assert.equal(formatSi(Number.NaN), '—');
	assert.equal(formatSi(undefined, '…'), '…');
});

test('percent of a whole, dash when the whole is zero', () => {
	assert.equal(formatPercent(1, 4), '25.0 %');
	assert.equal(formatPercent(0, 0), '—');
});

test('the clock: local HH:MM:SS, each part two digits, as toTimeString() begins', () => {
	for (const time of [new Date(2026, 10, 26, 0, 0, 0), new Date(2026, 10, 26, 9, 5, 7), new Date(2026, 10, 26, 23, 59, 59), new Date(1_764_000_000_123)]) {
		assert.equal(formatClock(time), time.toTimeString().slice(0, 8));
	}
	assert.equal(formatClock(new Date(2026, 0, 1, 7, 3, 9)), '07:03:09');
});
