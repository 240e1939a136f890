/**
 * Interface names are untrusted: Linux allows ESC, BEL and other control bytes in them. Every
 * name is escaped visibly before it reaches a terminal: "\x1b" stays four printable characters.
 */
export function escapeControl(text: string): string {
	let result = '';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code === 0x5c) {
			result += '\\\\';
		} else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
			result += `\\x${code.toString(16).padStart(2, '0')}`;
		} else if (isInvisibleFormat(code)) {
			// Bidi overrides and zero-width characters can make one name look like another.
			result += `\\u{${code.toString(16)}}`;
		} else {
			result += char;
		}
	}
	return result;
}

function isInvisibleFormat(code: number): boolean {
	return (
		(code >= 0x200b && code <= 0x200f) ||
		(code >= 0x2028 && code <= 0x202e) ||
		(code >= 0x2060 && code <= 0x2069) ||
		code === 0xfeff
	);
}
