/**
 * The bundle's stand-in for Ink 6.8's parse-keypress. Ink's own reads a modified escape
 * sequence with an unknown final byte (ESC [ 5 j, as a slow SSH link can deliver) as Ctrl with
 * no key name, and useInput then crashes on it. Here such a key gets an empty name: it means
 * nothing, and nothing crashes. Everything else is Ink's parser, unchanged.
 */
import parseKeypress, {nonAlphanumericKeys} from '../../node_modules/ink/build/parse-keypress.js';

export {nonAlphanumericKeys};

export default function parseKeypressSafely(...args: Parameters<typeof parseKeypress>): ReturnType<typeof parseKeypress> {
	const keypress = parseKeypress(...args);
	if (typeof keypress.name !== 'string') {
		keypress.name = '';
	}
	return keypress;
}
