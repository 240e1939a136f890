import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Ring} from '../../source/model/ring.js';

test('keeps the newest values, oldest first', () => {
	const ring = new Ring<number>(3);
	for (const value of [1, 2, 3, 4, 5]) {
		ring.push(value);
	}
	assert.deepEqual(ring.toArray(), [3, 4, 5]);
	assert.equal(ring.length, 3);
	assert.equal(ring.last(), 5);
});

test('partly filled and cleared rings', () => {
	const ring = new Ring<string>(4);
	assert.equal(ring.last(), undefined);
	ring.push('a');
	ring.push('b');
	assert.deepEqual(ring.toArray(), ['a', 'b']);
	ring.clear();
	assert.deepEqual(ring.toArray(), []);
});

test('refuses a capacity that is not a positive integer', () => {
	assert.throws(() => new Ring(0), RangeError);
	assert.throws(() => new Ring(1.5), RangeError);
});

test('slice reads like an array, oldest first, without copying the whole ring', () => {
	const ring = new Ring<number>(4);
	for (const value of [1, 2, 3, 4, 5, 6]) {
		ring.push(value);
	}
	const array = [3, 4, 5, 6];
	for (const [start, end] of [[0, undefined], [-2, undefined], [-10, undefined], [1, 3], [1, -1], [5, undefined]] as const) {
		assert.deepEqual(ring.slice(start, end), array.slice(start, end), `slice(${start}, ${end})`);
	}
	assert.deepEqual(ring.slice(), array);
});
