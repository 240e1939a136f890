/**
 * The single executable's stand-in for source/bpf/object-source.ts: the BPF object travels inside
 * the executable as an asset, and libbpf opens it from memory (bpf_object__open_mem), so it is
 * never a file that anyone could swap.
 */
import {getAsset} from 'node:sea';
import {type ObjectBytes} from '../bpf/object-source.js';

let object: ObjectBytes | undefined;

export function statsObjectSource(): string | ObjectBytes {
	// One Buffer for the life of the process: libbpf reads it in place while it opens and loads.
	object ??= {name: 'the built-in xdp_stats.bpf.o', bytes: Buffer.from(getAsset('xdp_stats.bpf.o'))};
	return object;
}
