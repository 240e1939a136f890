/**
 * Ink's sanitizeAnsi with a fast path. Ink runs it over every Text on every frame, twice (to
 * measure and to draw), and it tokenizes any text that holds an escape. The monitor's text holds
 * only SGR colour codes (ESC [ digits m), which the original keeps whole: such text is returned
 * as it is here (test/ui/sanitize-ansi.test.ts compares both). Any other text goes to the original.
 */
import original from '../../node_modules/ink/build/sanitize-ansi.js';

const ESC = 0x1b;
const BRACKET = 0x5b;
const LETTER_M = 0x6d;

/** The characters of an SGR sequence's parameters that the original keeps: digits, `:` and `;`. */
function isSgrParameter(code: number): boolean {
	return (code >= 0x30 && code <= 0x39) || code === 0x3a || code === 0x3b;
}

export default function sanitizeAnsi(text: string): string {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === ESC) {
			if (text.charCodeAt(index + 1) !== BRACKET) {
				return original(text);
			}
			let end = index + 2;
			while (isSgrParameter(text.charCodeAt(end))) {
				end++;
			}
			if (text.charCodeAt(end) !== LETTER_M) {
				return original(text);
			}
			index = end;
		} else if (code >= 0x80 && code <= 0x9f) {
			return original(text);
		}
	}
	return text;
}
