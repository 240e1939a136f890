import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import chalk from 'chalk';
import stringWidth from 'string-width';
import {paint, paintLine} from '../../source/ui/paint.js';

const plain = (text: string) => text.replaceAll(/\u001B\[\d*m/g, '');

let level: typeof chalk.level;
before(() => {
	// Colours on, whatever the test's own terminal: the codes are what is checked.
	level = chalk.level;
	chalk.level = 1;
});
after(() => {
	chalk.level = level;
});

test('a theme colour is written in; none (NO_COLOR) or an unknown name leaves the text as it is', () => {
	assert.equal(paint('drv', 'green'), '\u001B[32mdrv\u001B[39m');
	assert.equal(paint('drv', undefined), 'drv');
	assert.equal(paint('drv', 'no-such-colour'), 'drv');
});

test('a line of pieces keeps each colour, and is cut as plain text to its width', () => {
	const pieces = [{text: '> lan0 '}, {text: 'drv  ', color: 'green'}, {text: 'xdptop_stats ● ', color: 'green'}, {text: '日本 ▁▂▃', color: 'cyan'}];
	assert.equal(paintLine(pieces, 80), '> lan0 \u001B[32mdrv  \u001B[39m\u001B[32mxdptop_stats ● \u001B[39m\u001B[36m日本 ▁▂▃\u001B[39m');
	for (let width = 0; width <= 40; width++) {
		const line = paintLine(pieces, width);
		assert.ok(stringWidth(line) <= width, `${JSON.stringify(line)} in ${width}`);
		assert.ok(!/\u001B\[\d*$/.test(line), 'never half an escape');
	}
	// Cut inside the coloured piece: its colour still closes.
	assert.equal(paintLine(pieces, 10), '> lan0 \u001B[32mdrv\u001B[39m');
	// A wide character that would not fit whole is left out.
	assert.equal(plain(paintLine(pieces, 29)), '> lan0 drv  xdptop_stats ● 日');
	assert.equal(plain(paintLine(pieces, 30)), '> lan0 drv  xdptop_stats ● 日');
});
