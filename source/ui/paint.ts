/**
 * Styles for text drawn as one string, where a nested <Text color> per piece would cost Ink a node
 * each frame: chalk, as Ink's own colours use, so both follow the same colour support.
 */
import chalk, {foregroundColorNames, type ForegroundColorName} from 'chalk';
import {cellWidth, cutToCells} from '../model/cells.js';

const COLOR_NAMES: ReadonlySet<string> = new Set(foregroundColorNames);

function isColorName(color: string): color is ForegroundColorName {
	return COLOR_NAMES.has(color);
}

/** `text` in a theme's colour; unchanged for none (NO_COLOR) or a name chalk does not know. */
export function paint(text: string, color: string | undefined): string {
	return color !== undefined && isColorName(color) ? chalk[color](text) : text;
}

/**
 * Inverse video, written whatever chalk's colour level: it marks the selection, which is not
 * colour (theme.ts), and chalk's level is 0 under `--no-color`, a flag it reads from xdptop's argv.
 */
export function inverse(text: string): string {
	return `\u001B[7m${text}\u001B[27m`;
}

/** A run of plain text in one colour, for `paintLine`. */
export interface Piece {
	readonly text: string;
	readonly color?: string | undefined;
}

/**
 * Pieces in their colours, as one line of at most `width` cells: cut as plain text, before any
 * colour is written in, since a line too wide for Ink's truncation would be cut as one with the
 * lines after it.
 */
export function paintLine(pieces: readonly Piece[], width: number): string {
	let line = '';
	let room = width;
	for (const {text, color} of pieces) {
		if (room <= 0) {
			break;
		}
		const cells = cellWidth(text);
		line += paint(cells <= room ? text : cutToCells(text, room).text, color);
		room -= Math.min(cells, room);
	}
	return line;
}
