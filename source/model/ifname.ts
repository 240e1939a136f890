/**
 * Interface names are bytes, not text: Linux takes any bytes but NUL, '/', ':' and white
 * space, up to 15 of them, valid UTF-8 or not. Decoding them as UTF-8 the usual way turns every
 * invalid byte into U+FFFD, so `w\xff` and `w\xfe` would both become `w\uFFFD`: one name for two
 * interfaces. Inside xdptop a name is therefore a string that keeps every byte:
 *
 * - valid UTF-8 stays the text it encodes;
 * - each byte that is not part of valid UTF-8 becomes the lone surrogate U+DC00 + byte (the
 *   "surrogateescape" of PEP 383), which valid UTF-8 can never produce.
 *
 * So two different byte strings never share a name, and ifnameBytes() gives the bytes back.
 * People see the escaped form (escapeControl: `w\xff`), which `-i` also takes
 * (parseEscapedName), and JSON gives the bytes in hex.
 */
import {escapeControl} from './escape.js';

const ESCAPE_BASE = 0xdc00;

/** The lossless name of raw name bytes (see above). */
export function decodeIfname(bytes: Uint8Array): string {
	let result = '';
	let index = 0;
	while (index < bytes.length) {
		const lead = bytes[index]!;
		if (lead < 0x80) {
			result += String.fromCharCode(lead);
			index++;
			continue;
		}
		const length = utf8SequenceLength(bytes, index);
		if (length === 0) {
			result += String.fromCharCode(ESCAPE_BASE + lead);
			index++;
			continue;
		}
		let code = lead & (0xff >> (length + 1));
		for (let next = 1; next < length; next++) {
			code = (code << 6) | (bytes[index + next]! & 0x3f);
		}
		result += String.fromCodePoint(code);
		index += length;
	}
	return result;
}

/**
 * The length of the valid UTF-8 sequence at `index`, or 0 when the byte there does not start
 * one (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
function utf8SequenceLength(bytes: Uint8Array, index: number): number {
	const lead = bytes[index]!;
	const at = (offset: number) => bytes[index + offset] ?? 0;
	const continuation = (offset: number, low = 0x80, high = 0xbf) => at(offset) >= low && at(offset) <= high;
	if (lead >= 0xc2 && lead <= 0xdf) {
		return continuation(1) ? 2 : 0;
	}
	if (lead >= 0xe0 && lead <= 0xef) {
		const low = lead === 0xe0 ? 0xa0 : 0x80;
		const high = lead === 0xed ? 0x9f : 0xbf;
		return continuation(1, low, high) && continuation(2) ? 3 : 0;
	}
	if (lead >= 0xf0 && lead <= 0xf4) {
		const low = lead === 0xf0 ? 0x90 : 0x80;
		const high = lead === 0xf4 ? 0x8f : 0xbf;
		return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
	}
	return 0;
}

// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007f]/;

/**
 * A name as read in latin1 (one character per byte, as xdptop reads `ip`), made
 * lossless. ASCII names, nearly all of them, come back as they are.
 */
export function ifnameFromLatin1(text: string): string {
	return NOT_ASCII.test(text) ? decodeIfname(Buffer.from(text, 'latin1')) : text;
}

/** The bytes of a name: the inverse of decodeIfname. */
export function ifnameBytes(name: string): Buffer {
	if (!NOT_ASCII.test(name)) {
		return Buffer.from(name, 'latin1');
	}
	const parts: Buffer[] = [];
	let text = '';
	for (const char of name) {
		const code = char.charCodeAt(0);
		if (char.length === 1 && code >= ESCAPE_BASE + 0x80 && code <= ESCAPE_BASE + 0xff) {
			parts.push(Buffer.from(text, 'utf8'), Buffer.of(code - ESCAPE_BASE));
			text = '';
		} else {
			text += char;
		}
	}
	parts.push(Buffer.from(text, 'utf8'));
	return Buffer.concat(parts);
}

/** The bytes of a name in hex (`w\xff` -> "77ff"): the lossless form in JSON. */
export function ifnameHex(name: string): string {
	return ifnameBytes(name).toString('hex');
}

// eslint-disable-next-line no-control-regex
const ESCAPED_BYTES = /[\udc80-\udcff]/g;

/**
 * The name as ordinary text, the way any UTF-8 decoder shows it: each byte that is not valid
 * UTF-8 is U+FFFD. Exact for every valid UTF-8 name; for others it is for reading only (two
 * such names can look the same here: the hex bytes tell them apart).
 */
export function ifnameText(name: string): string {
	return name.replace(ESCAPED_BYTES, '\uFFFD');
}

/** Where the escaped form of a name, as xdptop shows it, is not well formed. */
export class NameSyntaxError extends Error {
	override readonly name = 'NameSyntaxError';
}

/**
 * Reads the escaped form that escapeControl writes back into a name: `\\` is a backslash,
 * `\xNN` one byte, `\u{N}` one character; anything else stands for itself (in UTF-8). A
 * backslash followed by anything else is an error, so that a mistyped escape never quietly
 * names some other interface.
 */
export function parseEscapedName(text: string): string {
	if (!text.includes('\\')) {
		return text;
	}
	const bytes: number[] = [];
	let plain = '';
	const flush = () => {
		bytes.push(...Buffer.from(plain, 'utf8'));
		plain = '';
	};
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char !== '\\') {
			plain += char;
			continue;
		}
		const rest = text.slice(index + 1);
		const hex = /^x([0-9a-fA-F]{2})/.exec(rest);
		const unicode = /^u\{([0-9a-fA-F]{1,6})\}/.exec(rest);
		if (rest.startsWith('\\')) {
			plain += '\\';
			index += 1;
		} else if (hex) {
			flush();
			bytes.push(Number.parseInt(hex[1]!, 16));
			index += hex[0].length;
		} else if (unicode) {
			const code = Number.parseInt(unicode[1]!, 16);
			if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
				throw new NameSyntaxError(`\\u{${unicode[1]!}} is not a character`);
			}
			plain += String.fromCodePoint(code);
			index += unicode[0].length;
		} else {
			const what = rest.length === 0 ? 'a backslash at the end' : `'\\${escapeControl(String.fromCodePoint(rest.codePointAt(0)!))}'`;
			throw new NameSyntaxError(`${what} is not an escape: a backslash is written \\\\, a byte \\xNN, a character \\u{N}`);
		}
	}
	flush();
	return decodeIfname(Uint8Array.from(bytes));
}

export type InterfaceSelector = {readonly ifindex: number} | {readonly name: string};

const IFINDEX_PREFIX = 'ifindex:';

/**
 * What `-i` names: `ifindex:N` (no interface name can contain ':', the kernel refuses it), else
 * a name in the escaped form xdptop shows (plain names are their own escaped form).
 */
export function parseInterfaceSelector(text: string): InterfaceSelector {
	if (text.startsWith(IFINDEX_PREFIX)) {
		const digits = text.slice(IFINDEX_PREFIX.length);
		const ifindex = /^[1-9]\d{0,9}$/.test(digits) ? Number(digits) : Number.NaN;
		if (!(ifindex <= 0x7fff_ffff)) {
			throw new NameSyntaxError(`'${escapeControl(digits)}' is not an interface index (ifindex:N, N from 1)`);
		}
		return {ifindex};
	}
	return {name: parseEscapedName(text)};
}

const parsedSelectors = new Map<string, InterfaceSelector>();

/** Whether `-i` values (already checked by resolveCommand) pick this interface; all when none. */
export function selectsInterface(selectors: readonly string[], candidate: {readonly name: string; readonly ifindex: number}): boolean {
	if (selectors.length === 0) {
		return true;
	}
	return selectors.some(text => {
		let selector = parsedSelectors.get(text);
		if (!selector) {
			selector = parseInterfaceSelector(text);
			parsedSelectors.set(text, selector);
		}
		return 'ifindex' in selector ? selector.ifindex === candidate.ifindex : selector.name === candidate.name;
	});
}
