/**
 * The bundle's stand-ins for Ink's text caches (source/bundle/measure-text.ts, wrap-text.ts):
 * the same results as Ink's own, and a cache that stays bounded however many texts go through it.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import originalMeasure from '../../node_modules/ink/build/measure-text.js';
import originalWrap from '../../node_modules/ink/build/wrap-text.js';
import {GenerationCache} from '../../source/bundle/generation-cache.js';
import measureText, {measured} from '../../source/bundle/measure-text.js';
import wrapText, {wrapped} from '../../source/bundle/wrap-text.js';
import {randomStrings} from '../helpers/random-strings.js';

const WRAP_TYPES = ['wrap', 'end', 'middle', 'truncate-end', 'truncate', 'truncate-middle', 'truncate-start'] as const;

function samples(count: number, seed: number): string[] {
	return randomStrings(['a', 'bc', ' ', '  ', '\n', '─', '●', '…', '日本', '🚀', 'é', '\u001B[36m', '\u001B[39m', '\u001B[7m', '\u001B[27m', '12.5k'], count, 24, seed);
}

test('measureText gives the dimensions Ink\'s gives', () => {
	for (const text of ['', 'x', 'two\nlines', '\n', 'wide 日本 and 🚀', ...samples(3000, 7)]) {
		assert.deepEqual(measureText(text), originalMeasure(text), JSON.stringify(text));
		// A second time from the cache.
		assert.deepEqual(measureText(text), originalMeasure(text), JSON.stringify(text));
	}
});

test('wrapText gives the text Ink\'s gives, for every wrap type and width', () => {
	for (const text of samples(600, 11)) {
		for (const type of WRAP_TYPES) {
			for (const width of [1, 3, 8, 20]) {
				assert.equal(wrapText(text, width, type), originalWrap(text, width, type), `${JSON.stringify(text)} ${type} ${width}`);
			}
		}
	}
});

test('wrapText keeps a width apart from digits at the end of the text (Ink\'s key ran them together)', () => {
	assert.equal(wrapText('ab1', 2, 'truncate'), 'a…');
	assert.equal(wrapText('ab', 12, 'truncate'), 'ab');
});

test('the caches stay bounded: texts that changed every tick are forgotten', () => {
	for (let tick = 0; tick < 20_000; tick++) {
		measureText(`lan0  up  ${tick} pps`);
		wrapText(`lan0  up  ${tick} pps`, 12, 'truncate-end');
	}
	assert.ok(measured.characters <= 2 * measured.limit, `${measured.characters} characters of measured text kept`);
	assert.ok(wrapped.characters <= 2 * wrapped.limit, `${wrapped.characters} characters of wrapped text kept`);
	assert.ok(measured.characters >= measured.limit / 2, 'the cache still holds the latest texts');
});

test('a generation cache counts the characters of its keys, so one long text cannot hold the rest', () => {
	const cache = new GenerationCache<number>(10);
	cache.set('short', 1);
	cache.set('a text longer than the limit', 2);
	assert.equal(cache.get('a text longer than the limit'), 2, 'the latest entry is kept however long');
	cache.set('x', 3);
	assert.equal(cache.get('short'), undefined, 'two generations back');
	assert.ok(cache.characters <= 10 + 'a text longer than the limit'.length);
});

test('a generation cache keeps what is asked for again and drops what is not', () => {
	const cache = new GenerationCache<number>(4);
	for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
		cache.set(key, index);
	}
	// a..d are now the previous generation; asking for a moves it into the current one.
	assert.equal(cache.get('a'), 0);
	for (const key of ['f', 'g', 'h']) {
		cache.set(key, 0);
	}
	assert.equal(cache.get('b'), undefined, 'b was not asked for within a generation');
	assert.equal(cache.get('a'), 0, 'a was, so it stayed');
	assert.equal(cache.characters, 5, 'h and a now, e f g before');
});
