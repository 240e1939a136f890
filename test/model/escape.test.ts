import assert from 'node:assert/strict';
import {test} from 'node:test';
import {escapeControl} from '../../source/model/escape.js';

test('control bytes become visible escapes', () => {
	assert.equal(escapeControl('x\u001b[31m'), 'x\\x1b[31m');
	assert.equal(escapeControl('a\u0007b\u0008c\u007f'), 'a\\x07b\\x08c\\x7f');
	assert.equal(escapeControl('\u009b2J'), '\\x9b2J');
});

test('a backslash is doubled, so an escape cannot be faked by a plain name', () => {
	assert.equal(escapeControl('a\\x1b'), 'a\\\\x1b');
});

test('invisible and direction-changing characters are shown', () => {
	assert.equal(escapeControl('eth\u202e0'), 'eth\\u{202e}0');
	assert.equal(escapeControl('a\u200bb'), 'a\\u{200b}b');
});

test('plain and UTF-8 names pass unchanged', () => {
	assert.equal(escapeControl('eth0'), 'eth0');
	assert.equal(escapeControl('veth-ünï'), 'veth-ünï');
});

test('the result never contains a control byte', () => {
	let all = '';
	for (let code = 0; code < 0xa0; code++) {
		all += String.fromCodePoint(code);
	}
	// eslint-disable-next-line no-control-regex
	assert.doesNotMatch(escapeControl(all), /[\u0000-\u001f\u007f-\u009f]/);
});
