/**
 * The exception table as xdptop reads it: filled by the test through the kernel (bpf_map_update_elem
 * on the loaded, unattached object) with more keys than one batch holds, and different counts on
 * each CPU, then read back summed.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {EXCEPTION_KEY_SIZE, EXCEPTION_LOST, EXCEPTIONS_MAP} from '../../source/bpf/abi.js';
import {ExceptionTableReader, reserveLostKey} from '../../source/bpf/exceptions.js';
import {check, libbpf} from '../../source/bpf/libbpf.js';
import {possibleCpuCount} from '../../source/bpf/maps.js';
import {loadExceptionsObject} from '../../source/bpf/object.js';
import {exceptionKey} from '../../source/model/exceptions.js';

const KEYS = 300;

function put(mapFd: number, key: readonly [number, number, number], perCpu: (cpu: number) => number): void {
	const keyBuffer = Buffer.alloc(EXCEPTION_KEY_SIZE);
	key.forEach((value, index) => keyBuffer.writeUInt32LE(value, index * 4));
	const values = Buffer.alloc(possibleCpuCount() * 8);
	for (let cpu = 0; cpu < possibleCpuCount(); cpu++) {
		values.writeBigUInt64LE(BigInt(perCpu(cpu)), cpu * 8);
	}
	check('fill the table', libbpf().mapUpdateElem(mapFd, keyBuffer, values, 0));
}

test('every key of a table larger than one batch, each summed over the CPUs; lost events apart; empty keys left out', () => {
	const object = loadExceptionsObject();
	try {
		const mapFd = object.mapFd(EXCEPTIONS_MAP);
		const reader = new ExceptionTableReader(mapFd);
		reserveLostKey(mapFd);
		assert.deepEqual(reader.read(5), {atMs: 5, entries: new Map(), lost: 0n}, 'a new table: nothing counted');
		const cpus = possibleCpuCount();
		for (let index = 0; index < KEYS; index++) {
			put(mapFd, [1000 + index, 2 + (index % 7), index % 6], cpu => index * 10 + cpu);
		}
		put(mapFd, [0, 0, EXCEPTION_LOST], cpu => cpu + 1);
		put(mapFd, [5, 5, 0], () => 0);
		const {entries, lost} = reader.read(7);
		assert.equal(entries.size, KEYS);
		for (let index = 0; index < KEYS; index++) {
			const entry = entries.get(exceptionKey(1000 + index, 2 + (index % 7), index % 6));
			assert.equal(entry?.count, BigInt(index * 10 * cpus + (cpus * (cpus - 1)) / 2), `key ${index}`);
		}
		assert.equal(lost, BigInt((cpus * (cpus + 1)) / 2));
	} finally {
		object.close();
	}
});
