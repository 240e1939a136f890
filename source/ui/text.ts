/** Fitting text into terminal cells: untrusted names are escaped first, then cut to width. */
import {escapeControl} from '../model/escape.js';

/** Cuts to `width` cells with an ellipsis, or pads to it. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) {
		return '';
	}
	const chars = [...text];
	if (chars.length > width) {
		return `${chars.slice(0, width - 1).join('')}…`;
	}
	return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

export function safeName(name: string): string {
	return escapeControl(name);
}
