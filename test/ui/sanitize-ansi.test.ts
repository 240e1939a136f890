import assert from 'node:assert/strict';
import {test} from 'node:test';
import original from '../../node_modules/ink/build/sanitize-ansi.js';
import sanitizeAnsi from '../../source/bundle/sanitize-ansi.js';
import {randomStrings} from '../helpers/random-strings.js';

const SAMPLES = [
	'',
	'plain ascii',
	'\u001B[1m\u001B[36mxdptop\u001B[39m\u001B[22m  host vm',
	'\u001B[7m> lan1  up  \u001B[32mdrv  \u001B[39m\u001B[32mxdptop_stats ●\u001B[39m  1.2k\u001B[36m▁▂▃\u001B[39m\u001B[27m',
	'\u001B[1;3;31mcompound\u001B[0m \u001B[38;5;123m8-bit\u001B[38;2;1;2;3m24-bit\u001B[m\u001B[38:5:1m',
	'\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007',
	'\u001B[2J\u001B[Hclear and home',
	'\u001B[?25l hidden cursor',
	'\u001B[31 m an intermediate',
	'\u009B31m C1 CSI',
	'\u0085 C1 next line',
	'\u001B[31',
	'\u001B',
	'\u001B[',
	'x\u001B(B charset',
	'日本語 🚀 wide',
];

/** Random strings of SGR codes, text and the escapes that must take the slow path. */
function randomSamples(count: number): string[] {
	return randomStrings(['a', ' ', '─', '●', '日', '🚀', '\u001B[36m', '\u001B[39m', '\u001B[1;7m', '\u001B[m', '\u001B[38:2:1:2:3m', '\u001B[2K', '\u001B[?1049h', '\u001B]0;t\u0007', '\u009B', '\u0090', '\u001B', '[', 'm', ';', '5'], count, 30, 11);
}

test('the same text as Ink\'s sanitizeAnsi, for the monitor\'s lines and for anything else', () => {
	for (const sample of [...SAMPLES, ...randomSamples(5000)]) {
		assert.equal(sanitizeAnsi(sample), original(sample), JSON.stringify(sample));
	}
});

test('SGR-only text comes back as the very string given (the fast path), other escapes are stripped', () => {
	const line = '\u001B[7m> lan1 \u001B[32mdrv\u001B[39m\u001B[27m';
	assert.equal(sanitizeAnsi(line), line);
	assert.equal(sanitizeAnsi('a\u001B[2Jb'), 'ab');
});
