/**
 * Where xdptop's BPF objects come from: the files installed beside the bundle. The single
 * executable swaps this module for source/single/object-source.ts at build time (see
 * source/bundle/build.ts), which hands over the copy it carries inside.
 */
import {bpfObjectPath, type BpfObjectFile} from './paths.js';

/** An object held in memory, with a name for messages. */
export interface ObjectBytes {
	readonly name: string;
	readonly bytes: Uint8Array;
}

export function objectSource(file: BpfObjectFile): string | ObjectBytes {
	return bpfObjectPath(file);
}
