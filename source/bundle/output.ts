/**
 * Ink's Output with a fast path. The original lays every frame out as one object per cell
 * (4,800 at 120x40), then turns each row back into a string: the largest JavaScript cost of the
 * monitor after tokenizing (profiled: ~60 % of a frame). A frame of xdptop is rows of text
 * pieces side by side that never overlap, with no clipping; such a row is its pieces joined with
 * the spaces between them, which the terminal shows exactly as the original's row (the same
 * characters with the same styles; test/ui/output.test.tsx compares every cell of the monitor's
 * frames). A frame with anything else (a clip, overlapping pieces, a piece that leaves a style
 * open or holds a character the fast tokenizer does not take) goes to the original whole.
 */
import InkOutput from '../../node_modules/ink/build/output.js';
import {type OutputTransformer} from '../../node_modules/ink/build/render-node-to-output.js';
import {simpleWidth} from './ansi-tokenize.js';

type Clip = Parameters<InkOutput['clip']>[0];
/** Ink's own operation records (its Output keeps the same, privately). */
export type Operation =
	| {readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: OutputTransformer[]}
	| {readonly type: 'clip'; readonly clip: Clip}
	| {readonly type: 'unclip'};

/** Makes the same calls on an Output (Ink's or ours) that produced these operations. */
export function replay(operations: readonly Operation[], into: {write: InkOutput['write']; clip: InkOutput['clip']; unclip: InkOutput['unclip']}): void {
	for (const operation of operations) {
		if (operation.type === 'write') {
			into.write(operation.x, operation.y, operation.text, {transformers: operation.transformers});
		} else if (operation.type === 'clip') {
			into.clip(operation.clip);
		} else {
			into.unclip();
		}
	}
}

interface Piece {
	readonly x: number;
	readonly text: string;
	readonly width: number;
}

/** SGR parameters that open a style, by the parameter that closes it (as ansi-styles pairs them). */
const CLOSING = new Map<number, number>([
	[1, 22],
	[2, 22],
	[3, 23],
	[4, 24],
	[7, 27],
	[8, 28],
	[9, 29],
	[53, 55],
]);
const CLOSERS = new Set([22, 23, 24, 27, 28, 29, 55, 39, 49]);
/** A parameter as chalk writes them: no empty one, no leading zero. */
const CANONICAL = /^(?:0|[1-9]\d*)$/;

/**
 * Which styles are open at the end of a piece, by their closing parameter: undefined when it has
 * a code this does not know, or one written in a form Ink's tokenizer reads otherwise than a
 * terminal does (empty or zero-padded parameters; blink, which it does not pair): such a frame
 * goes to Ink's Output, so that it is exactly what Ink would draw.
 */
function openAtEnd(text: string): Set<number> | undefined {
	const open = new Set<number>();
	for (let start = text.indexOf('\u001B['); start !== -1; start = text.indexOf('\u001B[', start + 1)) {
		const end = text.indexOf('m', start);
		if (end === -1) {
			return undefined;
		}
		const fields = text.slice(start + 2, end).split(';');
		if (!fields.every(field => CANONICAL.test(field))) {
			return undefined;
		}
		const parameters = fields.map(Number);
		for (let index = 0; index < parameters.length; index++) {
			const code = parameters[index]!;
			if (code === 0) {
				open.clear();
			} else if (CLOSING.has(code)) {
				open.add(CLOSING.get(code)!);
			} else if (CLOSERS.has(code)) {
				open.delete(code);
			} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
				open.add(39);
			} else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
				open.add(49);
			} else if ((code === 38 || code === 48) && parameters[index + 1] === 5 && index + 2 < parameters.length) {
				open.add(code === 38 ? 39 : 49);
				index += 2;
			} else if ((code === 38 || code === 48) && parameters[index + 1] === 2 && index + 4 < parameters.length) {
				open.add(code === 38 ? 39 : 49);
				index += 4;
			} else {
				return undefined;
			}
		}
	}
	return open;
}

/**
 * Whether the styles a piece opens are all closed by its end (chalk's are), so none leaks into
 * what follows; false (the frame goes to Ink's Output) when the scan cannot tell.
 */
export function closesItsStyles(text: string): boolean {
	return !text.includes('\u001B') || openAtEnd(text)?.size === 0;
}

export default class Output {
	readonly width: number;
	readonly height: number;
	readonly #operations: Operation[] = [];
	/** Whether the last get() joined the rows (the fast path) rather than ask Ink's Output. */
	joined = false;

	constructor(options: {width: number; height: number}) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: {transformers: OutputTransformer[]}): void {
		if (text) {
			this.#operations.push({type: 'write', x, y, text, transformers: options.transformers});
		}
	}

	clip(clip: Clip): void {
		this.#operations.push({type: 'clip', clip});
	}

	unclip(): void {
		this.#operations.push({type: 'unclip'});
	}

	get(): {output: string; height: number} {
		const joined = this.#joined();
		this.joined = joined !== undefined;
		return joined ?? this.#original();
	}

	#original(): {output: string; height: number} {
		const output = new InkOutput({width: this.width, height: this.height});
		replay(this.#operations, output);
		return output.get();
	}

	/** Each row as its pieces joined; undefined when the frame needs the original. */
	#joined(): {output: string; height: number} | undefined {
		const rows: Piece[][] = Array.from({length: this.height}, () => []);
		for (const operation of this.#operations) {
			if (operation.type !== 'write' || !Number.isInteger(operation.x) || !Number.isInteger(operation.y) || operation.x < 0 || operation.y < 0) {
				return undefined;
			}
			const lines = operation.text.split('\n');
			for (let index = 0; index < lines.length; index++) {
				const row = rows[operation.y + index];
				if (!row) {
					continue; // Off the frame: the original drops it too.
				}
				let line = lines[index]!;
				for (const transformer of operation.transformers) {
					line = transformer(line, index);
				}
				const width = simpleWidth(line);
				if (width === undefined || operation.x + width > this.width || !closesItsStyles(line)) {
					return undefined;
				}
				if (width > 0) {
					row.push({x: operation.x, text: line, width});
				}
			}
		}
		const lines: string[] = [];
		for (const row of rows) {
			row.sort((a, b) => a.x - b.x);
			let line = '';
			let column = 0;
			for (const piece of row) {
				if (piece.x < column) {
					return undefined; // Overlapping pieces: the original resolves them cell by cell.
				}
				line += ' '.repeat(piece.x - column) + piece.text;
				column = piece.x + piece.width;
			}
			lines.push(line.trimEnd());
		}
		return {output: lines.join('\n'), height: this.height};
	}
}
