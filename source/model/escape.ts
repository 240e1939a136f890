/**
 * Interface names are untrusted: Linux allows ESC, BEL and other control bytes in them, and
 * bytes that are not UTF-8 at all. Every name is escaped visibly before it reaches a terminal:
 * "\x1b" stays four printable characters.
 *
 * The escaped form is also lossless, and parseEscapedName (ifname.ts) reads it back, which is how
 * `-i` names an interface whose name the command line cannot carry:
 * - a backslash is `\\`, so a real name `w\xff` shows as `w\\xff`;
 * - a control byte (C0, DEL), or a byte that is not part of valid UTF-8 (kept as U+DC80..U+DCFF,
 *   see ifname.ts), is `\xNN`: always exactly one byte;
 * - C1 controls and invisible or direction-changing characters are `\u{N}`: one character.
 */
export function escapeControl(text: string): string {
	let result = '';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code === 0x5c) {
			result += '\\\\';
		} else if (code < 0x20 || code === 0x7f) {
			result += `\\x${hex2(code)}`;
		} else if (code >= 0xdc80 && code <= 0xdcff) {
			result += `\\x${hex2(code - 0xdc00)}`; // A byte that is not UTF-8.
		} else if ((code >= 0x80 && code < 0xa0) || isInvisibleFormat(code) || (code >= 0xd800 && code <= 0xdfff)) {
			// Bidi overrides and zero-width characters can make one name look like another.
			result += `\\u{${code.toString(16)}}`;
		} else {
			result += char;
		}
	}
	return result;
}

function hex2(code: number): string {
	return code.toString(16).padStart(2, '0');
}

function isInvisibleFormat(code: number): boolean {
	return (
		(code >= 0x200b && code <= 0x200f) ||
		(code >= 0x2028 && code <= 0x202e) ||
		(code >= 0x2060 && code <= 0x2069) ||
		code === 0xfeff
	);
}
