/**
 * Terminal cells, for text without control bytes (names are escaped first): a CJK character
 * or an emoji takes two cells, a combining mark none, so neither `length` nor code points line
 * up a column. In the bundle, `string-width` is the fast stand-in (source/bundle/string-width.ts).
 */
import stringWidth from 'string-width';

export function cellWidth(text: string): number {
	return stringWidth(text);
}

let graphemes: Intl.Segmenter | undefined;

function isPrintableAscii(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x20 || code > 0x7e) {
			return false;
		}
	}
	return true;
}

/**
 * The longest prefix of whole graphemes that fits in `width` cells, and the cells it takes.
 * By grapheme, as string-width measures: counted by code point, an emoji with VS16 (©️), a keycap
 * or Hangul from jamo measures other than the whole it belongs to.
 */
export function cutToCells(text: string, width: number): {readonly text: string; readonly cells: number} {
	if (isPrintableAscii(text)) {
		const kept = text.slice(0, Math.max(0, width));
		return {text: kept, cells: kept.length};
	}
	// Made on the first cut of such text only: the first segmenter of a process costs ~20 ms.
	graphemes ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	let cells = 0;
	let end = 0;
	for (const {segment} of graphemes.segment(text)) {
		const segmentCells = stringWidth(segment);
		if (cells + segmentCells > width) {
			break;
		}
		cells += segmentCells;
		end += segment.length;
	}
	return {text: text.slice(0, end), cells};
}

/** `text` in exactly `width` cells: padded, or cut with an ellipsis in its last cell. */
export function fitCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}
	const cells = stringWidth(text);
	if (cells > width) {
		const cut = cutToCells(text, width - 1);
		return `${cut.text}…${' '.repeat(width - 1 - cut.cells)}`;
	}
	const padding = ' '.repeat(width - cells);
	return align === 'left' ? text + padding : padding + text;
}
