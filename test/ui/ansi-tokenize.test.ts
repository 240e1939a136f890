import assert from 'node:assert/strict';
import {test} from 'node:test';
import {tokenize as original} from '@alcalzone/ansi-tokenize';
import {tokenize} from '../../source/bundle/ansi-tokenize.js';
import {randomStrings} from '../helpers/random-strings.js';

const SAMPLES = [
	'',
	'plain ascii',
	'\u001B[1m\u001B[36mxdptop\u001B[39m\u001B[22m  host vm',
	'\u001B[1;3;31mcompound\u001B[0m \u001B[38;5;123m8-bit\u001B[38;2;1;2;3m24-bit\u001B[m',
	'────────────────────',
	'▁▂▃▄▅▆▇█ 2.34k ┤╭─╮ ╰╯ ● ○ … — · │ ┼',
	'\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007',
	'veth-ünï é',
	'日本語 wide',
	'emoji 🚀 and 👩‍💻 and ❤️',
	'combining e\u0301 and ─\u0301',
	'tab\there',
	'\u001B[2J\u001B[H',
	'\u009B31mC1 CSI',
	'\u001B[31',
	'\u001B',
];

/** Random strings from the pieces the monitor draws and the ones that must take the slow path. */
function randomSamples(count: number): string[] {
	return randomStrings(['a', 'Z', ' ', '9', '─', '█', '●', '○', '↑', '→', '\u2190\u0301', '…', '—', '·', '\u001B[36m', '\u001B[39m', '\u001B[1;7m', '\u001B[0m', 'é', '\u0301', '日', '🚀', '\u200D', '\uFE0F', '\u001B]8;;x\u0007', '\t'], count, 40, 7);
}

test('the same tokens as the original, for the lines the monitor draws and for anything else', () => {
	for (const sample of [...SAMPLES, ...randomSamples(3000)]) {
		assert.deepEqual(tokenize(sample), original(sample), JSON.stringify(sample));
		for (const endChar of [0, 1, 5]) {
			assert.deepEqual(tokenize(sample, endChar), original(sample, endChar), `${JSON.stringify(sample)} up to ${endChar}`);
		}
	}
});

test('tokens are fresh objects: a caller that changes one changes no later frame', () => {
	const first = tokenize('\u001B[31mx');
	(first[0] as {code: string}).code = 'changed';
	assert.equal((tokenize('\u001B[31mx')[0] as {code: string}).code, '\u001B[31m');
});
