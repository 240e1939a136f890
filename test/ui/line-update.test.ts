/**
 * The bundle's writer of changed lines (source/bundle/line-update.ts), checked against a
 * terminal emulated here, independently of its own model: the row that Ink's whole line would
 * leave, and the row its update leaves over the previous one, cell by cell (character and
 * style), for lines like the monitor's and for random ones.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {changedLine, mustRedraw, NOT_SIMPLE_NARROW} from '../../source/bundle/line-update.js';
import {isSimpleNarrow} from '../../source/bundle/string-width.js';
import {assertUpdates, ESC, randomLines} from '../helpers/line-update-cases.js';

const cyan = (text: string) => `${ESC}[36m${text}${ESC}[39m`;
const inverse = (text: string) => `${ESC}[7m${text}${ESC}[27m`;
const row = (name: string, pps: string, history: string) => `  ${name.padEnd(16)}up      veth       —   ${pps.padStart(8)} ${cyan(history)}`;

test('a row whose rates and history moved: only those cells are written, and the row shows the new line', () => {
	const previous = row('lan0', '978', '▁▂▃▄▅▆▇█▁▂▃▄▅▆▇');
	const next = row('lan0', '981', '▂▃▄▅▆▇█▁▂▃▄▅▆▇█');
	const update = assertUpdates(previous, next);
	assert.ok(!update.includes('lan0') && !update.includes('veth'), `cells that did not change are not written: ${JSON.stringify(update)}`);
	assert.ok(update.length < (next.length * 2) / 3, `${update.length} of ${next.length}`);
});

test('a change of style alone is written; the selection moving onto a row and off it', () => {
	const plain = row('lan1', '0', '▁▁▁▁');
	assertUpdates(plain, inverse(plain));
	assertUpdates(inverse(plain), plain);
	assertUpdates(`abc ${cyan('def')} ghi`, `abc ${ESC}[31mdef${ESC}[39m ghi`);
	assertUpdates(`${ESC}[1m${ESC}[34mhead${ESC}[39m${ESC}[22m`, `${ESC}[2m${ESC}[34mhead${ESC}[39m${ESC}[22m`);
	assertUpdates(`x${ESC}[38;5;208my${ESC}[39mz`, `x${ESC}[38;2;1;2;3my${ESC}[39mz`);
	assertUpdates(`${ESC}[44m  ${ESC}[49m`, `${ESC}[41m  ${ESC}[0m`);	assert.equal(changedLine(`${ESC}[31mab${ESC}[0m`, `${ESC}[031mab${ESC}[0m`), '', 'the same pen written another way: nothing to write');
	assert.equal(changedLine(`${ESC}[38;5;9mab`, `${ESC}[38;5;09mab`), '');
});

test('lines that grow, shrink or empty', () => {
	assertUpdates('0123456789', '0123456789abc');
	assertUpdates('0123456789abc', '0123456789');
	assertUpdates('0123456789abc', '01234x6789');
	assertUpdates('abc', '');
	assertUpdates('', cyan('abc'));
	assertUpdates('same', 'same');
});

test('what it cannot model cell by cell is written whole, as Ink writes it', () => {
	const whole = (next: string) => `${ESC}[1G${next}${ESC}[K`;
	for (const next of ['wide 日本', 'emoji 🚀', 'combining e\u0301', 'tab\there', `${ESC}]8;;https://example.com\u0007link${ESC}]8;;\u0007`, `${ESC}[53mover${ESC}[55m`, `${ESC}[38;5;300mx`]) {
		assert.equal(changedLine('wide 日本 plain', next), whole(next), JSON.stringify(next));
		assert.equal(changedLine(next, 'plain'), whole('plain'), JSON.stringify(next));
	}
	assert.equal(changedLine(undefined, 'first'), whole('first'));
	for (const next of [`a${ESC}[38;5;mb`, `a${ESC}[48;5;mb`, `a${ESC}[38;2;;;mb`, `a${ESC}[38;2;1;2mb`]) {
		assert.equal(changedLine('ab', next), whole(next), `an empty or missing colour index: ${JSON.stringify(next)}`);
	}
	// Wider than the terminal: it wraps, and a cursor move stops at the row's last column.
	assert.equal(changedLine('abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyZ', 20), whole('abcdefghijklmnopqrstuvwxyZ'));
	assert.equal(changedLine('abcdefghijklmnopqrstuvwxyz', 'abcdefghij', 20), whole('abcdefghij'));
	assert.notEqual(changedLine('abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyZ', 26), whole('abcdefghijklmnopqrstuvwxyZ'), 'as wide as the terminal');
});

test('random lines of the monitor\'s characters and styles, each changed a little or a lot', () => {
	const {line, changed} = randomLines(11);
	for (let pair = 0; pair < 3000; pair++) {
		const pieces = line();
		assertUpdates(pieces.join(''), changed(pieces).join(''));
	}
});

test('the characters modelled as one cell are exactly those of the width function\'s fast path', () => {
	for (let code = 0; code <= 0xffff; code++) {
		assert.equal(!NOT_SIMPLE_NARROW.test(String.fromCharCode(code)), isSimpleNarrow(code), `U+${code.toString(16)}`);
	}
});

test('the screen is cleared and drawn whole after the terminal changed size, or after a frame wider than it', () => {
	const frame = ['header', `${ESC}[36mrow${ESC}[39m`];
	const wide = ['header', 'x'.repeat(90)];
	assert.equal(mustRedraw(frame, {columns: 80, rows: 24}), false, 'the first frame: the screen is fresh');
	assert.equal(mustRedraw(frame, {columns: 80, rows: 24}), false);
	assert.equal(mustRedraw(frame, {columns: 79, rows: 24}), true, 'narrower');
	assert.equal(mustRedraw(frame, {columns: 79, rows: 24}), false);
	assert.equal(mustRedraw(frame, {columns: 79, rows: 30}), true, 'taller');
	assert.equal(mustRedraw(wide, {columns: 79, rows: 30}), false, 'a frame of the old layout: it is drawn, and wraps');
	assert.equal(mustRedraw(frame, {columns: 79, rows: 30}), true, 'so the frame after it is drawn whole');
	assert.equal(mustRedraw(['日本語'.repeat(30)], {columns: 79, rows: 30}), false);
	assert.equal(mustRedraw(frame, {columns: 79, rows: 30}), true, 'wide characters measured as two cells (90 > 79)');
	assert.equal(mustRedraw(frame, {columns: 79, rows: 30}), false);
	assert.equal(mustRedraw(['header', 'y'.repeat(80)], {columns: 79, rows: 30}), false, 'one line grows too wide, the others the same');
	assert.equal(mustRedraw(['header', 'y'.repeat(80)], {columns: 79, rows: 30}), true, 'the frame after it is drawn whole, though no line changed');
});
