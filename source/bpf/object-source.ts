/**
 * Where xdptop's BPF object comes from: the file installed beside the bundle. The single
 * executable swaps this module for source/single/object-source.ts at build time (see
 * source/bundle/build.ts), which hands over the copy it carries inside.
 */
import {statsObjectPath} from './paths.js';

/** An object held in memory, with a name for messages. */
export interface ObjectBytes {
	readonly name: string;
	readonly bytes: Uint8Array;
}

export function statsObjectSource(): string | ObjectBytes {
	return statsObjectPath();
}
