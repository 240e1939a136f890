/**
 * Ink's wrapText with a cache that forgets (generation-cache.ts), for the reason measure-text.ts
 * gives: Ink's own keeps every text it ever wrapped or cut to width. Its key is also the text and
 * the width run together, so "a1" at width 0 and "a" at width 10 shared an entry; here the
 * width comes first, behind a separator. The same text as the original otherwise
 * (test/ui/text-caches.test.ts compares both).
 */
import cliTruncate from 'cli-truncate';
import wrapAnsi from 'wrap-ansi';
import {type Styles} from '../../node_modules/ink/build/styles.js';
import {GenerationCache} from './generation-cache.js';

type WrapType = NonNullable<Styles['textWrap']>;

export const wrapped = new GenerationCache<string>(16_384);

function wrap(text: string, maxWidth: number, wrapType: WrapType): string {
	if (wrapType === 'wrap') {
		return wrapAnsi(text, maxWidth, {trim: false, hard: true});
	}
	if (wrapType.startsWith('truncate')) {
		const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
		return cliTruncate(text, maxWidth, {position});
	}
	return text;
}

export default function wrapText(text: string, maxWidth: number, wrapType: WrapType): string {
	const key = `${maxWidth}:${wrapType}:${text}`;
	let result = wrapped.get(key);
	if (result === undefined) {
		result = wrap(text, maxWidth, wrapType);
		wrapped.set(key, result);
	}
	return result;
}
