/**
 * Ink's measureText with a cache that forgets (generation-cache.ts). Ink's own keeps every text
 * it ever measured for the life of the process: each tick's new numbers stay in it, so a monitor
 * left running grows without end (a heap snapshot after 40 s held each row's text of every tick).
 * The same dimensions as the original (test/ui/text-caches.test.ts compares both).
 */
import widestLine from 'widest-line';
import {GenerationCache} from './generation-cache.js';

export interface Dimensions {
	readonly width: number;
	readonly height: number;
}

/**
 * Each frame of the monitor brings ~3.7 K characters of new text (120x40, 20 interfaces; its
 * table is one Text of ~2.7 K): a generation holds the new text of ~4 frames.
 */
export const measured = new GenerationCache<Dimensions>(16_384);

const EMPTY: Dimensions = Object.freeze({width: 0, height: 0});

export default function measureText(text: string): Dimensions {
	if (text.length === 0) {
		return EMPTY;
	}
	let dimensions = measured.get(text);
	if (dimensions === undefined) {
		dimensions = {width: widestLine(text), height: text.split('\n').length};
		measured.set(text, dimensions);
	}
	return dimensions;
}
