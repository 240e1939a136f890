/**
 * The writer across frames (source/bundle/line-update.ts): it keeps the lines it parsed in one
 * frame for the next, where they are the lines on screen. In a file of its own: mustRedraw()
 * keeps the last frame's size, which the first frame of line-update.test.ts must not inherit.
 */
import {test} from 'node:test';
import {mustRedraw} from '../../source/bundle/line-update.js';
import {assertUpdates, randomLines} from '../helpers/line-update-cases.js';

test('frames in a row: what a line became in one frame is what it was in the next (the writer keeps that frame\'s lines parsed)', () => {
	const {line, changed} = randomLines(23);
	let frame = Array.from({length: 6}, line);
	mustRedraw(frame.map(pieces => pieces.join('')), {columns: 1000, rows: 50});
	for (let count = 0; count < 400; count++) {
		// Lines stay under the emulated row's width: one that grew past 30 pieces starts again.
		const next = frame.map((pieces, row) => (row % 3 === count % 3 ? pieces : pieces.length > 30 ? line() : changed(pieces)));
		mustRedraw(next.map(pieces => pieces.join('')), {columns: 1000, rows: 50});
		for (const [row, pieces] of next.entries()) {
			if (pieces !== frame[row]) {
				assertUpdates(frame[row]!.join(''), pieces.join(''));
			}
		}
		frame = next;
	}
});

