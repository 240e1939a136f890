/**
 * Ink's output tokenizer (@alcalzone/ansi-tokenize) with a fast path. The original walks every
 * frame through Intl.Segmenter, one grapheme at a time: most of the monitor's CPU (profiled:
 * ~60 % of its JavaScript time). A frame of xdptop is printable ASCII, SGR colour codes and a few
 * narrow symbols that never combine (box drawing, blocks, arrows, ● ○ — … ·), where every UTF-16 unit is
 * its own grapheme: those are tokenized here by char code, into exactly what the original
 * returns (test/bundle/ansi-tokenize.test.ts compares both). Any other string goes to the original.
 */
import {tokenize as graphemeTokenize, type Token} from '@alcalzone/ansi-tokenize';

export * from '@alcalzone/ansi-tokenize';

const ESC = 0x1b;
const BRACKET = 0x5b;
const LETTER_M = 0x6d;

/** Narrow, and never joined with what follows or precedes them. */
function simpleSymbol(code: number): boolean {
	return (code >= 0x2500 && code <= 0x259f) || (code >= 0x2190 && code <= 0x2193) || code === 0x25cb || code === 0x25cf || code === 0x2014 || code === 0x2026 || code === 0xb7;
}

const ansiTokens = new Map<string, readonly Token[]>();

/** The original's tokens for one SGR sequence (a compound one is split), computed once per sequence. */
function sgrTokens(code: string): readonly Token[] {
	let tokens = ansiTokens.get(code);
	if (!tokens) {
		tokens = graphemeTokenize(code);
		ansiTokens.set(code, tokens);
	}
	return tokens;
}

/** The index of the m that ends the SGR sequence at `index`, or -1 when there is none there. */
function sgrEnd(text: string, index: number): number {
	if (text.charCodeAt(index + 1) !== BRACKET) {
		return -1;
	}
	let end = index + 2;
	for (let code = text.charCodeAt(end); (code >= 0x30 && code <= 0x39) || code === 0x3b; code = text.charCodeAt(++end)) {
		// Digits and semicolons up to the final m.
	}
	return text.charCodeAt(end) === LETTER_M ? end : -1;
}

/** Only printable ASCII, simple symbols and SGR sequences: the whole string, before any token is made. */
function fastPathApplies(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === ESC) {
			const end = sgrEnd(text, index);
			if (end === -1) {
				return false;
			}
			index = end;
		} else if ((code < 0x20 || code > 0x7e) && !simpleSymbol(code)) {
			return false;
		}
	}
	return true;
}

export function tokenize(text: string, endChar = Number.POSITIVE_INFINITY): Token[] {
	if (!fastPathApplies(text)) {
		return graphemeTokenize(text, endChar);
	}
	const tokens: Token[] = [];
	let visible = 0;
	for (let index = 0; index < text.length; index++) {
		if (text.charCodeAt(index) === ESC) {
			const end = sgrEnd(text, index);
			for (const token of sgrTokens(text.slice(index, end + 1))) {
				tokens.push({...token});
			}
			index = end;
			continue;
		}
		tokens.push({type: 'char', value: text[index]!, fullWidth: false});
		visible++;
		if (visible >= endChar) {
			break;
		}
	}
	return tokens;
}

/**
 * The columns a string takes when the fast path applies to it (one per visible unit, SGR
 * sequences none); undefined when it does not.
 */
export function simpleWidth(text: string): number | undefined {
	if (!fastPathApplies(text)) {
		return undefined;
	}
	let width = 0;
	for (let index = 0; index < text.length; index++) {
		if (text.charCodeAt(index) === ESC) {
			index = sgrEnd(text, index);
		} else {
			width++;
		}
	}
	return width;
}
