/**
 * The single executable's stand-in for source/bpf/object-source.ts: the BPF objects travel inside
 * the executable as assets, and libbpf opens them from memory (bpf_object__open_mem), so
 * neither is a file that anyone could swap.
 */
import {getAsset} from 'node:sea';
import {type ObjectBytes} from '../bpf/object-source.js';
import {type BpfObjectFile} from '../bpf/paths.js';

const objects = new Map<string, ObjectBytes>();

/** One Buffer per object for the life of the process: libbpf reads it in place while it opens and loads. */
function asset(name: string): ObjectBytes {
	let object = objects.get(name);
	if (!object) {
		object = {name: `the built-in ${name}`, bytes: Buffer.from(getAsset(name))};
		objects.set(name, object);
	}
	return object;
}

export function objectSource(file: BpfObjectFile): string | ObjectBytes {
	return asset(file);
}
