/**
 * What Ink's incremental renderer writes for a line that changed (the bundle patches it in,
 * build.ts): only the runs of cells that differ, each after a cursor move to its column, where
 * Ink rewrites the whole line. A monitor's frame changes a few cells of most lines (rates, a
 * sparkline, the clock), so the bytes to the terminal fall to about a third. A line this cannot
 * model cell by cell (an escape other than SGR, a control character, a character that is not
 * exactly one cell wide) is written whole, as Ink writes it. After the terminal changed size, or
 * a frame had a line wider than the terminal (Ink draws one frame of the old layout after a
 * resize, and it wraps and scrolls), the screen is not what Ink thinks it is: the next frame
 * clears the screen and writes every line whole.
 */
import {sgrEnd} from './ansi-tokenize.js';
import stringWidth, {isSimpleNarrow} from './string-width.js';

const ESC = '\u001B';
const CURSOR_TO_START = `${ESC}[1G`;
const ERASE_TO_END = `${ESC}[K`;
const RESET = `${ESC}[0m`;
/** Unchanged cells between two changed runs that are written again rather than skipped with a cursor move. */
const JOIN_GAP = 8;

/** A line as cells: a character per column, and the style each is drawn in (canonical SGR parameters, '' for none). */
interface Cells {
	readonly characters: string[];
	readonly styles: string[];
}

/** SGR attributes that have a parameter to set and one to clear: bold and dim share 22. */
const ATTRIBUTES: ReadonlyArray<readonly [set: number, clear: number]> = [
	[1, 22],
	[2, 22],
	[3, 23],
	[4, 24],
	[5, 25],
	[7, 27],
	[8, 28],
	[9, 29],
];

/** The terminal's pen as SGR codes set it. */
class Pen {
	flags = 0;
	foreground = '';
	background = '';

	/** Applies one SGR sequence's parameters; false for one this does not model. */
	apply(parameters: string): boolean {
		const parts = parameters === '' ? ['0'] : parameters.split(';');
		const codes = parts.map(Number);
		for (let index = 0; index < codes.length; index++) {
			const code = codes[index]!;
			if (code === 0) {
				this.flags = 0;
				this.foreground = '';
				this.background = '';
			} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
				this.foreground = String(code);
			} else if (code === 39) {
				this.foreground = '';
			} else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
				this.background = String(code);
			} else if (code === 49) {
				this.background = '';
			} else if (code === 38 || code === 48) {
				// A colour's empty index is read differently by terminals (0, or the default colour).
				const length = codes[index + 1] === 5 ? 3 : codes[index + 1] === 2 ? 5 : 0;
				if (length === 0 || index + length > codes.length || parts.slice(index, index + length).some(part => part === '' || Number(part) > 255)) {
					return false;
				}
				const color = codes.slice(index, index + length).join(';');
				if (code === 38) {
					this.foreground = color;
				} else {
					this.background = color;
				}
				index += length - 1;
			} else {
				const attribute = ATTRIBUTES.findIndex(([set, clear]) => set === code || clear === code);
				if (attribute < 0) {
					return false;
				}
				if (ATTRIBUTES[attribute]![0] === code) {
					this.flags |= 1 << attribute;
				} else {
					ATTRIBUTES.forEach(([, clear], bit) => {
						if (clear === code) {
							this.flags &= ~(1 << bit);
						}
					});
				}
			}
		}
		return true;
	}

	/** The pen's SGR parameters after a reset, '' for the default pen: equal pens give equal strings. */
	get style(): string {
		const parts: string[] = [];
		ATTRIBUTES.forEach(([set], bit) => {
			if (this.flags & (1 << bit)) {
				parts.push(String(set));
			}
		});
		if (this.foreground) {
			parts.push(this.foreground);
		}
		if (this.background) {
			parts.push(this.background);
		}
		return parts.join(';');
	}
}

/** A line Ink drew (from the default pen), as cells; undefined where it is not only SGR codes and one-cell characters. */
function cellsOf(line: string): Cells | undefined {
	const characters: string[] = [];
	const styles: string[] = [];
	const pen = new Pen();
	let style = '';
	for (let index = 0; index < line.length; ) {
		const code = line.codePointAt(index)!;
		if (code === 0x1b) {
			const end = sgrEnd(line, index);
			if (end < 0 || !pen.apply(line.slice(index + 2, end))) {
				return undefined;
			}
			style = pen.style;
			index = end + 1;
			continue;
		}
		if (!isSimpleNarrow(code)) {
			return undefined;
		}
		const character = String.fromCodePoint(code);
		characters.push(character);
		styles.push(style);
		index += character.length;
	}
	return {characters, styles};
}

/** Cells [from, to) of a line as text: each change of style from a reset, and the pen reset after. */
function drawn(cells: Cells, from: number, to: number): string {
	let text = '';
	let style = '';
	for (let column = from; column < to; column++) {
		const next = cells.styles[column]!;
		if (next !== style) {
			text += next === '' ? RESET : `${ESC}[0;${next}m`;
			style = next;
		}
		text += cells.characters[column]!;
	}
	return style === '' ? text : text + RESET;
}

/**
 * What turns `previous` on the terminal into `next`, with the cursor anywhere on that row and
 * the pen at its default: Ink's own `cursorTo(0) + next + eraseEndLine` where `previous` is not
 * known or cannot be modelled, or either is wider than the terminal's `columns` (it wraps, and
 * a cursor move cannot reach past the row's end), else a cursor move and the cells of each
 * changed run. A line whose width changed is written from its first change to its end, and
 * erased after.
 */
export function changedLine(previous: string | undefined, next: string, columns = Number.POSITIVE_INFINITY): string {
	const whole = CURSOR_TO_START + next + ERASE_TO_END;
	const before = previous === undefined ? undefined : cellsOf(previous);
	const after = before && cellsOf(next);
	if (!before || !after || before.characters.length > columns || after.characters.length > columns) {
		return whole;
	}
	const width = after.characters.length;
	const differs = (column: number) => column >= before.characters.length || before.characters[column] !== after.characters[column] || before.styles[column] !== after.styles[column];
	let update = '';
	let column = 0;
	while (column < width) {
		if (!differs(column)) {
			column++;
			continue;
		}
		const start = column;
		let end = column + 1;
		for (let look = end; look < width && look - end <= JOIN_GAP; look++) {
			if (differs(look)) {
				end = look + 1;
			}
		}
		if (width !== before.characters.length) {
			end = width;
		}
		update += `${ESC}[${start + 1}G${drawn(after, start, end)}`;
		column = end;
	}
	if (width < before.characters.length) {
		update += width === 0 || update === '' ? `${ESC}[${width + 1}G${ERASE_TO_END}` : ERASE_TO_END;
	}
	return update.length < whole.length ? update : whole;
}

/** Where the terminal's size was at the last frame, and whether that frame had a line wider than it. */
let lastSize: string | undefined;
let overflowed = false;

/**
 * Called as each frame starts, with its lines and the terminal: true when the screen must be
 * cleared and every line written whole, as the last frame may not be where Ink thinks it is.
 */
export function mustRedraw(lines: readonly string[], terminal: {readonly columns?: number; readonly rows?: number}): boolean {
	const size = `${terminal.columns}x${terminal.rows}`;
	const redraw = overflowed || (lastSize !== undefined && size !== lastSize);
	lastSize = size;
	const columns = terminal.columns ?? Number.POSITIVE_INFINITY;
	// Ink measures every line of a frame with the same function: lines without escapes count fast.
	overflowed = lines.some(line => stringWidth(line) > columns);
	return redraw;
}
