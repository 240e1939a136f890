import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cpuIdCount} from '../../source/model/cpus.js';

test('cpuIdCount: one more than the highest CPU, gaps included', () => {
	assert.equal(cpuIdCount('0\n'), 1);
	assert.equal(cpuIdCount('0-1\n'), 2);
	assert.equal(cpuIdCount('0,2-3\n'), 4, 'CPU 1 is not possible, but CPU 3 has id 3');
	assert.equal(cpuIdCount('0-3,8-11'), 12);
	assert.equal(cpuIdCount('5,0-1'), 6);
});

test('cpuIdCount: anything else is not a CPU list', () => {
	for (const text of ['', 'x', '0-', '3-1', '0,,1', '-1']) {
		assert.equal(cpuIdCount(text), undefined, JSON.stringify(text));
	}
});
