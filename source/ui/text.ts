/** Fitting text into terminal cells: untrusted names are escaped first, then cut to width. */
import {escapeControl} from '../model/escape.js';

/** Cuts to `width` cells with an ellipsis, or pads to it. */
export {fitCells as fit} from '../model/cells.js';

export function safeName(name: string): string {
	return escapeControl(name);
}
