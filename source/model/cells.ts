/**
 * Terminal cells, for text without control bytes (names are escaped first): a CJK character
 * or an emoji takes two cells, a combining mark none, so neither `length` nor code points line
 * up a column. In the bundle, `string-width` is the fast stand-in (source/bundle/string-width.ts).
 */
import stringWidth from 'string-width';

export function cellWidth(text: string): number {
	return stringWidth(text);
}

/** The longest prefix of whole code points that fits in `width` cells, and the cells it takes. */
export function cutToCells(text: string, width: number): {readonly text: string; readonly cells: number} {
	let cells = 0;
	let end = 0;
	for (const char of text) {
		const charCells = stringWidth(char);
		if (cells + charCells > width) {
			break;
		}
		cells += charCells;
		end += char.length;
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
