import assert from 'node:assert/strict';
import {test} from 'node:test';
import parseKeypressSafely from '../../source/bundle/parse-keypress.js';

test('a modified escape sequence with an unknown final byte has a name, so useInput cannot crash on it', () => {
	for (const sequence of ['\u001B[5j', '\u001B[5M', '\u001BO5O']) {
		const keypress = parseKeypressSafely(sequence);
		assert.equal(typeof keypress.name, 'string', JSON.stringify(sequence));
	}
	assert.equal(parseKeypressSafely('\u001B[A').name, 'up', 'known keys are untouched');
	assert.equal(parseKeypressSafely('j').name, 'j');
});
