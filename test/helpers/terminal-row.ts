/**
 * A terminal's pen and rows as tests model them, independently of the code under test: CHA
 * (ESC[nG), EL (ESC[K), SGR, newlines and one-cell characters; any other escape is an error.
 */
import assert from 'node:assert/strict';

const ESC = '\u001B';

export interface Cell {
	character: string;
	style: string;
}

/** The pen as SGR codes set it: 22 clears bold and dim, 39/49 the colours, 0 everything. */
export class Pen {
	readonly #attributes = new Map<string, string>();

	get isDefault(): boolean {
		return this.#attributes.size === 0;
	}

	apply(parameters: string): void {
		const codes = parameters === '' ? ['0'] : parameters.split(';');
		for (let index = 0; index < codes.length; index++) {
			const code = Number(codes[index]);
			if (code === 0) {
				this.#attributes.clear();
			} else if (code === 38 || code === 48) {
				const length = codes[index + 1] === '5' ? 3 : 5;
				this.#attributes.set(code === 38 ? 'fg' : 'bg', codes.slice(index, index + length).join(';'));
				index += length - 1;
			} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
				this.#attributes.set('fg', String(code));
			} else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
				this.#attributes.set('bg', String(code));
			} else if (code === 39) {
				this.#attributes.delete('fg');
			} else if (code === 49) {
				this.#attributes.delete('bg');
			} else if (code === 22) {
				this.#attributes.delete('1');
				this.#attributes.delete('2');
			} else if (code >= 23 && code <= 29) {
				this.#attributes.delete(String(code - 20));
			} else {
				this.#attributes.set(String(code), 'on');
			}
		}
	}

	get style(): string {
		return [...this.#attributes.entries()]
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([key, value]) => `${key}=${value}`)
			.join(',');
	}
}

/** One row `width` cells wide, written as a terminal would. */
export class TerminalRow {
	readonly cells: Cell[];
	readonly pen: Pen;
	column = 0;

	/** `pen`: one carried over from what was written before (a row of a screen). */
	constructor(width: number, pen = new Pen()) {
		this.cells = Array.from({length: width}, () => ({character: ' ', style: ''}));
		this.pen = pen;
	}

	write(text: string): this {
		for (let index = 0; index < text.length; ) {
			if (text[index] === ESC) {
				const match = /^\u001B\[([\d;]*)([GKm])/.exec(text.slice(index));
				assert.ok(match, `an escape this row does not know: ${JSON.stringify(text.slice(index, index + 12))}`);
				const [whole, parameters, final] = match;
				if (final === 'G') {
					this.column = Math.max(Number(parameters || '1'), 1) - 1;
				} else if (final === 'K') {
					for (let column = this.column; column < this.cells.length; column++) {
						this.cells[column] = {character: ' ', style: this.pen.style};
					}
				} else {
					this.pen.apply(parameters!);
				}
				index += whole!.length;
				continue;
			}
			const character = String.fromCodePoint(text.codePointAt(index)!);
			this.cells[this.column] = {character, style: this.pen.style};
			this.column++;
			index += character.length;
		}
		return this;
	}
}

/**
 * A screen as `tmux capture-pane -p -e` prints it (SGR codes only, the pen carried across lines),
 * as text that is equal for equal cells: a `{style}` mark wherever the style changes along a
 * line, and no blank default cells at line ends.
 */
export function normalizedScreen(capture: string, width: number): string {
	const pen = new Pen();
	return capture
		.split('\n')
		.map(line => {
			const row = new TerminalRow(width, pen).write(line);
			let last = row.cells.length;
			while (last > 0 && row.cells[last - 1]!.character === ' ' && row.cells[last - 1]!.style === '') {
				last--;
			}
			let text = '';
			let style = '';
			for (const cell of row.cells.slice(0, last)) {
				if (cell.style !== style) {
					text += `{${cell.style}}`;
					style = cell.style;
				}
				text += cell.character;
			}
			return text;
		})
		.join('\n');
}
