import assert from 'node:assert/strict';
import {test} from 'node:test';
import {escapeControl} from '../../source/model/escape.js';

test('control bytes become visible escapes', () => {
	assert.equal(escapeControl('x\u001b[31m'), 'x\\x1b[31m');
	assert.equal(escapeControl('a\u0007b\u0008c\u007f'), 'a\\x07b\\x08c\\x7f');
	// A C1 control is a character (two bytes of UTF-8): \u{9b}, so that \x9b always means one byte.
	assert.equal(escapeControl('\u009b2J'), '\\u{9b}2J');
});

test('bytes that are not UTF-8 (kept as U+DC80..U+DCFF) become \\xNN, unlike the characters U+0080..U+00FF', () => {
	assert.equal(escapeControl('w\udcff'), 'w\\xff');
	assert.equal(escapeControl('w\udcfe'), 'w\\xfe');
	assert.equal(escapeControl('w\u00ff'), 'w\u00ff', 'ÿ, valid UTF-8, stays itself');
	assert.equal(escapeControl('w\udcc2\udc85'), 'w\\xc2\\x85');
	assert.equal(escapeControl('\ud800x'), '\\u{d800}x', 'any other lone surrogate is shown, never written raw');
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
