import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import chalk from 'chalk';
import stringWidth from 'string-width';
import {inverse, paint, paintLine} from '../../source/ui/paint.js';
import {withoutStyles} from '../helpers/styles.js';

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
	assert.equal(withoutStyles(paintLine(pieces, 29)), '> lan0 drv  xdptop_stats ● 日');
	assert.equal(withoutStyles(paintLine(pieces, 30)), '> lan0 drv  xdptop_stats ● 日');
});

test('inverse video marks the selection even where chalk writes no colour (its level is 0 under --no-color)', () => {
	chalk.level = 0;
	try {
		assert.equal(paint('drv', 'green'), 'drv');
		assert.equal(inverse('> lan0'), '\u001B[7m> lan0\u001B[27m');
	} finally {
		chalk.level = 1;
	}
});
