import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import {cellWidth, cutToCells, fitCells} from '../../source/model/cells.js';

test('ASCII fits by length: padded left or right, cut with an ellipsis in the last cell', () => {
	assert.equal(fitCells('eth0', 6), 'eth0  ');
	assert.equal(fitCells('eth0', 6, 'right'), '  eth0');
	assert.equal(fitCells('abcdefgh', 6), 'abcde…');
	assert.equal(fitCells('abcdef', 6), 'abcdef');
	assert.equal(fitCells('x', 0), '');
});

test('wide characters take two cells: padded and cut by cells, never by length', () => {
	assert.equal(cellWidth('日本'), 4);
	assert.equal(fitCells('日本', 6), '日本  ');
	assert.equal(fitCells('日本', 6, 'right'), '  日本');
	// Five cells hold two wide characters and the ellipsis; a third would not fit.
	assert.equal(fitCells('日本語名', 5), '日本…');
	// Four cells hold one wide character and the ellipsis, and a space where half a character would go.
	assert.equal(fitCells('日本語名', 4), '日… ');
	assert.equal(fitCells('a🚀b', 4), 'a🚀b');
	assert.equal(fitCells('a🚀bc', 4), 'a🚀…');
	// Graphemes of several code points: VS16 emoji, a keycap, Hangul from jamo, a skin tone, a Devanagari conjunct, a flag.
	const clusters = ['©️©️©️©️x', '☺️☺️☺️☺️☺️☺️☺️☺️x', '1️⃣2️⃣3️⃣4️⃣', '\u1100\u1161\u1100\u1161\u1100\u1161ab', '👍🏽👍🏽👍🏽x', 'क्षिक्षिक्षि', '🇩🇪🇫🇷x', 'a👩‍💻b👩‍💻'];
	for (const text of ['日本語名前', 'veth-ünï', 'a🚀b🚀c', 'e\u0301e\u0301e\u0301', 'ab日cd本ef', ...clusters]) {
		for (let width = 1; width <= 12; width++) {
			assert.equal(stringWidth(fitCells(text, width)), width, `${text} in ${width}`);
		}
	}
});

test('a combining mark stays with its letter, and a cut never splits a surrogate pair', () => {
	assert.deepEqual(cutToCells('e\u0301x', 1), {text: 'e\u0301', cells: 1});
	assert.deepEqual(cutToCells('🚀🚀', 3), {text: '🚀', cells: 2});
	assert.deepEqual(cutToCells('©️©️', 3), {text: '©️', cells: stringWidth('©️')});
	assert.deepEqual(cutToCells('1️⃣x', 1), {text: '', cells: 0});
});
