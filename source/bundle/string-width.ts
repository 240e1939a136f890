/**
 * The bundle's string-width (esbuild alias): Ink measures every line of every frame with it.
 * The monitor's lines are ASCII plus box-drawing, block, arrow and punctuation characters,
 * one cell each; string-width segments such lines into graphemes and tests each against the
 * emoji tables, which made it the largest single cost of a frame. Those lines are counted here
 * directly; a line with any other character goes to the original, unchanged.
 */
import original from '../../node_modules/string-width/index.js';

type Options = Parameters<typeof original>[1];

const ESC = 0x1b;

/** Code points that are exactly one cell wide in every terminal, and never combine. */
export function isSimpleNarrow(code: number): boolean {
	return (
		(code >= 0x20 && code < 0x7f) ||
		(code >= 0xa0 && code < 0x300) ||
		(code >= 0x2010 && code <= 0x2027) ||
		(code >= 0x2190 && code <= 0x21ff) ||
		(code >= 0x2500 && code <= 0x25ff)
	);
}

/** Skips one CSI (ESC [ ... final) or OSC (ESC ] ... BEL or ESC \) sequence; -1 when it is neither. */
function skipEscape(text: string, index: number): number {
	const kind = text.charCodeAt(index + 1);
	if (kind === 0x5b) {
		let position = index + 2;
		while (position < text.length) {
			const code = text.charCodeAt(position);
			if (code >= 0x40 && code <= 0x7e) {
				return position + 1;
			}
			position++;
		}
		return text.length;
	}
	if (kind === 0x5d) {
		let position = index + 2;
		while (position < text.length) {
			const code = text.charCodeAt(position);
			if (code === 0x07) {
				return position + 1;
			}
			if (code === ESC && text.charCodeAt(position + 1) === 0x5c) {
				return position + 2;
			}
			position++;
		}
		return text.length;
	}
	return -1;
}

export default function stringWidth(text: string, options?: Options): number {
	if (typeof text !== 'string' || text.length === 0) {
		return 0;
	}
	if (options?.countAnsiEscapeCodes) {
		return original(text, options);
	}
	let width = 0;
	let index = 0;
	while (index < text.length) {
		const code = text.charCodeAt(index);
		if (code === ESC) {
			const next = skipEscape(text, index);
			if (next === -1) {
				return original(text, options);
			}
			index = next;
			continue;
		}
		if (!isSimpleNarrow(code)) {
			return original(text, options);
		}
		width++;
		index++;
	}
	return width;
}
