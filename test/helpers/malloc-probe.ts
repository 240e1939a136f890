/**
 * Child of test/bpf/malloc.test.ts: frees a mapped 4 MiB block (glibc then raises its thresholds
 * unless they are fixed), then touches and frees a 2 MiB block, and prints how many KiB of
 * resident memory that left behind. With `fixed`, xdptop's fixMallocThresholds() runs first.
 */
import {readFileSync} from 'node:fs';
import koffi from 'koffi';
import {fixMallocThresholds} from '../../source/bpf/malloc.js';

const libc = koffi.load('libc.so.6');
const malloc = libc.func('void *malloc(size_t size)');
const free = libc.func('void free(void *pointer)');
const memset = libc.func('void *memset(void *pointer, int value, size_t size)');

const residentKib = () => Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]) * 4;

if (process.argv[2] === 'fixed' && !fixMallocThresholds()) {
	throw new Error('mallopt refused');
}
const touchAndFree = (size: number) => {
	const block = malloc(size);
	memset(block, 1, size);
	free(block);
};
touchAndFree(4 << 20);
const before = residentKib();
touchAndFree(2 << 20);
process.stdout.write(`${residentKib() - before}\n`);
