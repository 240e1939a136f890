/**
 * The exception table and programs on the kernel, without a failing NIC: the table filled through
 * bpf_map_update_elem (more keys than one batch holds, different counts on each CPU) and read back
 * summed; the programs run with BPF_PROG_TEST_RUN on a chosen CPU, with the kernel's arguments
 * replaced by the test's (no device or program behind them: what they would name reads as 0), to
 * check that a failed redirect reported twice, as i40e or mlx5 report it, is counted once, and that
 * the table is read again only when the programs counted something.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {EXCEPTION_EVENTS_MAP, EXCEPTION_KEY_SIZE, EXCEPTION_KEYS_MAX, EXCEPTION_LOST, EXCEPTION_PROGRAMS, EXCEPTIONS_MAP} from '../../source/bpf/abi.js';
import {ExceptionReadings, ExceptionTableReader, pruneGone, reserveLostKey} from '../../source/bpf/exceptions.js';
import {programInfoByFd} from '../../source/bpf/info.js';
import {check, libbpf, mapMapReadOnly} from '../../source/bpf/libbpf.js';
import {possibleCpuCount} from '../../source/bpf/maps.js';
import {loadExceptionsObject} from '../../source/bpf/object.js';
import {testRunRawTracepoint} from '../../source/bpf/test-run.js';
import {exceptionKey} from '../../source/model/exceptions.js';

const KEYS = 300;
const XDP_ABORTED = 0n;
const XDP_REDIRECT = 4n;

function put(mapFd: number, key: {cookie: bigint; progId: number; ifindex: number; action: number}, perCpu: (cpu: number) => number): void {
	const keyBuffer = Buffer.alloc(EXCEPTION_KEY_SIZE);
	keyBuffer.writeBigUInt64LE(key.cookie, 0);
	keyBuffer.writeUInt32LE(key.progId, 8);
	keyBuffer.writeUInt32LE(key.ifindex, 12);
	keyBuffer.writeUInt32LE(key.action, 16);
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
		const keyOf = (index: number) => ({cookie: 1n << 40n | BigInt(index % 3), progId: 1000 + index, ifindex: 2 + (index % 7), action: index % 6});
		for (let index = 0; index < KEYS; index++) {
			put(mapFd, keyOf(index), cpu => index * 10 + cpu);
		}
		put(mapFd, {cookie: 0n, progId: 0, ifindex: 0, action: EXCEPTION_LOST}, cpu => cpu + 1);
		put(mapFd, {cookie: 9n, progId: 5, ifindex: 5, action: 0}, () => 0);
		const {entries, lost} = reader.read(7);
		assert.equal(entries.size, KEYS);
		for (let index = 0; index < KEYS; index++) {
			const {cookie, progId, ifindex, action} = keyOf(index);
			const entry = entries.get(exceptionKey(cookie, progId, ifindex, action));
			assert.equal(entry?.count, BigInt(index * 10 * cpus + (cpus * (cpus - 1)) / 2), `key ${index}`);
			assert.equal(entry?.netnsCookie, cookie);
		}
		assert.equal(lost, BigInt((cpus * (cpus + 1)) / 2));
	} finally {
		object.close();
	}
});

test('a failed redirect reported to both tracepoints counts once; other exceptions, and other CPUs, count on', () => {
	const object = loadExceptionsObject();
	try {
		const reader = new ExceptionTableReader(object.mapFd(EXCEPTIONS_MAP));
		const exception = object.program(EXCEPTION_PROGRAMS.xdp_exception);
		const redirectError = object.program(EXCEPTION_PROGRAMS.xdp_redirect_err);
		const fdOf = (program: bigint) => libbpf().programFd(program);
		const cpu0 = 0;
		const cpu1 = possibleCpuCount() > 1 ? 1 : 0;
		const run = (program: bigint, action: bigint, cpu: number) => testRunRawTracepoint(fdOf(program), [0n, 0n, action], cpu);
		// i40e: redirect error, then the driver's exception for the same frame.
		run(redirectError, 0n, cpu0);
		run(exception, XDP_REDIRECT, cpu0);
		// An exception for a redirect with no redirect error before it (the driver failed first).
		run(exception, XDP_REDIRECT, cpu0);
		// veth: a redirect error alone, then an abort: the abort is its own event.
		run(redirectError, 0n, cpu0);
		run(exception, XDP_ABORTED, cpu0);
		// The note is per CPU: an exception on another CPU is another frame.
		run(redirectError, 0n, cpu0);
		if (cpu1 !== cpu0) {
			run(exception, XDP_REDIRECT, cpu1);
		}
		const counts = Object.fromEntries([...reader.read(0).entries.values()].map(entry => [entry.action, Number(entry.count)]));
		assert.deepEqual(counts, {0: 1, 4: cpu1 === cpu0 ? 4 : 5});
	} finally {
		object.close();
	}
});

test('pruning removes the keys of programs the kernel no longer has, and only those', () => {
	const object = loadExceptionsObject();
	const live = loadExceptionsObject(); // Its programs have ids the kernel knows.
	try {
		const mapFd = object.mapFd(EXCEPTIONS_MAP);
		const reader = new ExceptionTableReader(mapFd);
		const liveId = programInfoByFd(live.progFd).id;
		for (let index = 0; index < 50; index++) {
			put(mapFd, {cookie: 1n, progId: 0x7f00_0000 + index, ifindex: 2, action: 0}, () => 1);
		}
		put(mapFd, {cookie: 1n, progId: liveId, ifindex: 2, action: 0}, () => 3);
		assert.equal(pruneGone(mapFd, reader.read(0)), true);
		const left = [...reader.read(0).entries.values()];
		assert.deepEqual(left.map(entry => [entry.progId, Number(entry.count)]), [[liveId, 3 * possibleCpuCount()]]);
		assert.equal(pruneGone(mapFd, reader.read(0)), false, 'nothing more to remove');
	} finally {
		live.close();
		object.close();
	}
});

test('the table is read again only when the programs counted since, and once more after that; each event counted bumps the count of events once', () => {
	const object = loadExceptionsObject();
	const reader = new ExceptionTableReader(object.mapFd(EXCEPTIONS_MAP));
	let tableReads = 0;
	const events = mapMapReadOnly(object.mapFd(EXCEPTION_EVENTS_MAP), 8);
	const readings = new ExceptionReadings(events, atMs => {
		tableReads++;
		return reader.read(atMs);
	});
	try {
		const mapFd = object.mapFd(EXCEPTIONS_MAP);
		const eventsFd = object.mapFd(EXCEPTION_EVENTS_MAP);
		const setEvents = (count: bigint) => {
			const value = Buffer.alloc(8);
			value.writeBigUInt64LE(count);
			check('set the count of events', libbpf().mapUpdateElem(eventsFd, Buffer.alloc(4), value, 0));
		};
		const counted = () => [...readings.read(0).entries.values()].map(entry => Number(entry.count));
		// A table written behind the programs' back (no event): what the reads see shows whether they read it.
		const plant = (count: number) => put(mapFd, {cookie: 1n, progId: 77, ifindex: 2, action: 0}, cpu => (cpu === 0 ? count : 0));

		assert.deepEqual(counted(), []);
		assert.deepEqual(counted(), [], 'read again: the count of events is not settled yet');
		plant(1);
		assert.deepEqual(counted(), [], 'settled at 0: the table is not read');
		assert.equal(tableReads, 2);

		// The count of events seen moving before the count it follows: the read after sees the count.
		setEvents(1n);
		assert.deepEqual(counted(), [1]);
		plant(2);
		assert.deepEqual(counted(), [2], 'read once more after the count of events moved');
		plant(3);
		assert.deepEqual(counted(), [2], 'settled at 1');
		assert.deepEqual(counted(), [2]);
		assert.equal(tableReads, 4);

		// The programs' own events: an abort counts and bumps; a redirect error then the driver's
		// exception for it count once, and bump once.
		const run = (program: string, action: bigint) => testRunRawTracepoint(libbpf().programFd(object.program(program)), [0n, 0n, action], 0);
		run(EXCEPTION_PROGRAMS.xdp_exception, XDP_ABORTED);
		assert.equal(events.counters[0], 2n);
		run(EXCEPTION_PROGRAMS.xdp_redirect_err, 0n);
		run(EXCEPTION_PROGRAMS.xdp_exception, XDP_REDIRECT);
		assert.equal(events.counters[0], 3n, 'the repeated exception is not an event');
		const byAction = () => Object.fromEntries([...readings.read(0).entries.values()].filter(entry => entry.progId === 0).map(entry => [entry.action, Number(entry.count)]));
		assert.deepEqual(byAction(), {0: 1, 4: 1});
		assert.equal(tableReads, 5);
	} finally {
		readings.close();
		object.close();
	}
	assert.throws(() => readings.read(0), /closed/, 'no read of an unmapped page');
});

test('an event that finds the table full counts as lost, and bumps the count of events too', () => {
	const object = loadExceptionsObject();
	const events = mapMapReadOnly(object.mapFd(EXCEPTION_EVENTS_MAP), 8);
	try {
		const mapFd = object.mapFd(EXCEPTIONS_MAP);
		reserveLostKey(mapFd);
		for (let index = 1; index < EXCEPTION_KEYS_MAX; index++) {
			put(mapFd, {cookie: 1n, progId: 1000 + index, ifindex: 2, action: 0}, () => 0);
		}
		testRunRawTracepoint(libbpf().programFd(object.program(EXCEPTION_PROGRAMS.xdp_exception)), [0n, 0n, XDP_ABORTED], 0);
		assert.equal(events.counters[0], 1n);
		assert.equal(new ExceptionTableReader(mapFd).read(0).lost, 1n);
	} finally {
		events.unmap();
		object.close();
	}
});
