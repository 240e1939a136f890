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
import stringWidth from './string-width.js';

const ESC = '\u001B';
const CURSOR_TO_START = `${ESC}[1G`;
const ERASE_TO_END = `${ESC}[K`;
const RESET = `${ESC}[0m`;
/** Unchanged cells between two changed runs that are written again rather than skipped with a cursor move. */
const JOIN_GAP = 8;

/** SGR attributes that have a parameter to set and one to clear, a bit each: bold and dim share 22. */
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
/** By SGR parameter: the bits it sets, and the bits it clears. */
const SETS = new Map<number, number>();
const CLEARS = new Map<number, number>();
for (const [bit, [set, clear]] of ATTRIBUTES.entries()) {
	SETS.set(set, 1 << bit);
	CLEARS.set(clear, (CLEARS.get(clear) ?? 0) | (1 << bit));
}

/** The terminal's pen as SGR codes set it. */
class Pen {
	flags = 0;
	foreground = '';
	background = '';

	/** Applies one SGR sequence's parameters; false for one this does not model. */
	apply(parameters: string): boolean {
		const parts = parameters === '' ? ['0'] : parameters.split(';');
		for (let index = 0; index < parts.length; index++) {
			const code = Number(parts[index]);
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
				const kind = parts[index + 1];
				const length = kind === '5' ? 3 : kind === '2' ? 5 : 0;
				if (length === 0 || index + length > parts.length) {
					return false;
				}
				let color = String(code);
				for (let part = index + 1; part < index + length; part++) {
					const value = parts[part]!;
					if (value === '' || Number(value) > 255) {
						return false;
					}
					color += `;${Number(value)}`;
				}
				if (code === 38) {
					this.foreground = color;
				} else {
					this.background = color;
				}
				index += length - 1;
			} else if (SETS.has(code)) {
				this.flags |= SETS.get(code)!;
			} else if (CLEARS.has(code)) {
				this.flags &= ~CLEARS.get(code)!;
			} else {
				return false;
			}
		}
		return true;
	}

	/** The pen's SGR parameters after a reset, '' for the default pen: equal pens give equal strings. */
	get style(): string {
		let style = '';
		for (let bit = 0; bit < ATTRIBUTES.length; bit++) {
			if (this.flags & (1 << bit)) {
				style += style === '' ? String(ATTRIBUTES[bit]![0]) : `;${ATTRIBUTES[bit]![0]}`;
			}
		}
		for (const color of [this.foreground, this.background]) {
			if (color !== '') {
				style += style === '' ? color : `;${color}`;
			}
		}
		return style;
	}
}

/** Splits a line into text and the SGR codes between (at odd indexes): what ansi-tokenize reads as one SGR sequence. */
const SGR_SPLIT = /(\u001B\[[\d;]*m)/;
/** Any character that is not one cell wide in every terminal: isSimpleNarrow()'s ranges, negated (a test holds them equal). */
export const NOT_SIMPLE_NARROW = /[^\u0020-\u007E\u00A0-\u02FF\u2010-\u2027\u2190-\u21FF\u2500-\u25FF]/;

/**
 * A line Ink drew (from the default pen) as its runs of text, each in one style (canonical SGR
 * parameters, '' for none) from its first column; undefined where it is not only SGR codes and
 * one-cell characters. Runs, not cells: the writer runs a few times a frame, mostly before V8
 * optimises it, so it leaves the per-character work to the regular expressions and string
 * comparisons of the engine.
 */
interface Segments {
	readonly texts: string[];
	readonly styles: string[];
	readonly columns: number[];
	readonly width: number;
}

function segmentsOf(line: string): Segments | undefined {
	const parts = line.split(SGR_SPLIT);
	const texts: string[] = [];
	const styles: string[] = [];
	const columns: number[] = [];
	const pen = new Pen();
	let style = '';
	let width = 0;
	for (let index = 0; index < parts.length; index++) {
		const part = parts[index]!;
		if (index % 2 === 1) {
			if (!pen.apply(part.slice(2, -1))) {
				return undefined;
			}
			style = pen.style;
		} else if (part !== '') {
			if (NOT_SIMPLE_NARROW.test(part)) {
				return undefined; // Also an escape that is not SGR: ESC itself is not one cell.
			}
			texts.push(part);
			styles.push(style);
			columns.push(width);
			width += part.length;
		}
	}
	return {texts, styles, columns, width};
}

/** Runs of changed columns, as [from, to) pairs in order: a run takes in a change up to JOIN_GAP cells after its end. */
class Runs {
	readonly bounds: number[] = [];

	add(from: number, to: number): void {
		const last = this.bounds.length - 1;
		if (last > 0 && from - this.bounds[last]! <= JOIN_GAP) {
			this.bounds[last] = Math.max(this.bounds[last]!, to);
		} else {
			this.bounds.push(from, to);
		}
	}
}

/** The columns where `after` differs from `before` (its character or its style), as runs. */
function changedRuns(before: Segments, after: Segments): Runs {
	const runs = new Runs();
	let left = 0;
	let right = 0;
	while (left < before.texts.length && right < after.texts.length) {
		const leftText = before.texts[left]!;
		const rightText = after.texts[right]!;
		const leftColumn = before.columns[left]!;
		const rightColumn = after.columns[right]!;
		const leftEnd = leftColumn + leftText.length;
		const rightEnd = rightColumn + rightText.length;
		const from = Math.max(leftColumn, rightColumn);
		const to = Math.min(leftEnd, rightEnd);
		if (before.styles[left] !== after.styles[right]) {
			runs.add(from, to);
		} else {
			const was = leftText.slice(from - leftColumn, to - leftColumn);
			const is = rightText.slice(from - rightColumn, to - rightColumn);
			if (was !== is) {
				for (let offset = 0; offset < is.length; offset++) {
					if (was.charCodeAt(offset) !== is.charCodeAt(offset)) {
						runs.add(from + offset, from + offset + 1);
					}
				}
			}
		}
		if (leftEnd <= rightEnd) {
			left++;
		}
		if (rightEnd <= leftEnd) {
			right++;
		}
	}
	if (after.width > before.width) {
		runs.add(before.width, after.width);
	}
	return runs;
}

/** Columns [from, to) of a line, after a cursor move there: each change of style from a reset, and the pen reset after. */
function drawn(line: Segments, from: number, to: number): string {
	let text = `${ESC}[${from + 1}G`;
	let style = '';
	for (let index = 0; index < line.texts.length; index++) {
		const column = line.columns[index]!;
		const segment = line.texts[index]!;
		if (column + segment.length <= from || column >= to) {
			continue;
		}
		const next = line.styles[index]!;
		if (next !== style) {
			text += next === '' ? RESET : `${ESC}[0;${next}m`;
			style = next;
		}
		text += segment.slice(Math.max(from - column, 0), to - column);
	}
	return style === '' ? text : text + RESET;
}

/**
 * The lines this writer parsed as `next` in this frame and the last, by their text: a line that
 * changed in the last frame is parsed once, not again as this frame's `previous`. Only two frames
 * are kept, so the memory is that of a frame's changed lines.
 */
const FRAME_LINES_KEPT = 1000;
let thisFrame = new Map<string, Segments>();
let lastFrame = new Map<string, Segments>();

/** The terminal's size at the last frame, its lines, and whether one was wider than the terminal. */
let lastSize: string | undefined;
let lastLines: readonly string[] | undefined;
let overflowed = false;

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
	const before = previous === undefined ? undefined : lastFrame.get(previous) ?? segmentsOf(previous);
	const after = before && segmentsOf(next);
	if (after && thisFrame.size < FRAME_LINES_KEPT) {
		thisFrame.set(next, after);
	}
	if (!before || !after || before.width > columns || after.width > columns) {
		return whole;
	}
	const {bounds} = changedRuns(before, after);
	if (bounds.length > 0 && after.width !== before.width) {
		// Everything after the first change moved or is new: one run to the end of the line.
		bounds.length = 2;
		bounds[1] = after.width;
	}
	let update = '';
	for (let index = 0; index < bounds.length; index += 2) {
		update += drawn(after, bounds[index]!, bounds[index + 1]!);
	}
	if (after.width < before.width) {
		update += after.width === 0 || update === '' ? `${ESC}[${after.width + 1}G${ERASE_TO_END}` : ERASE_TO_END;
	}
	return update.length < whole.length ? update : whole;
}

/**
 * Called as each frame starts, with its lines and the terminal: true when the screen must be
 * cleared and every line written whole, as the last frame may not be where Ink thinks it is.
 * It also starts the writer's new frame: the lines kept from the one before become its last.
 */
export function mustRedraw(lines: readonly string[], terminal: {readonly columns?: number; readonly rows?: number}): boolean {
	lastFrame = thisFrame;
	thisFrame = new Map();
	const size = `${terminal.columns}x${terminal.rows}`;
	const redraw = overflowed || (lastSize !== undefined && size !== lastSize);
	const columns = terminal.columns ?? Number.POSITIVE_INFINITY;
	// Ink measures every line of a frame with the same function. Without a redraw, the last frame
	// had no line too wide at this size, so only the lines that changed are measured.
	const previous = redraw ? undefined : lastLines;
	overflowed = lines.some((line, index) => (previous === undefined || line !== previous[index]) && stringWidth(line) > columns);
	lastSize = size;
	lastLines = lines;
	return redraw;
}
