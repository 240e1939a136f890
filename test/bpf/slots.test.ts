/**
 * One counters map for every attachment of a process, a slot (a row per CPU) each (real kernel,
 * BPF_PROG_TEST_RUN): each instance counts only in its slot, a reused slot starts at zero, a read
 * serves every slot once, and the proof finds an instance's map and slot, refusing a slot outside
 * the map or a map of another kind.
 */
import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {BPF_F_MMAPABLE, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY, CLASSES_SIZE, COUNTERS_MAP, PROG_NAME, PROTO_CLASSES, RODATA_MAP, ROW_SIZE, XDP_ACTIONS} from '../../source/bpf/abi.js';
import {CounterSlots, type CounterSlot} from '../../source/bpf/counter-slots.js';
import {proveByFd, shippedProgramTag} from '../../source/bpf/identity.js';
import {mapInfoByFd, programInfo, programInfoByFd} from '../../source/bpf/info.js';
import {check, closeFd, libbpf, mapCreateOpts} from '../../source/bpf/libbpf.js';
import {CounterTable, cpuRowsPerSlot} from '../../source/bpf/maps.js';
import {LoadedObject, StatsObject} from '../../source/bpf/object.js';
import {objectSource} from '../../source/bpf/object-source.js';
import {testRun} from '../../source/bpf/test-run.js';
import * as f from '../../source/demo/frames.js';
import {Agent} from '../helpers/agent.js';
import {VethLab} from '../helpers/netns.js';

const udp = f.padded(f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 26)));
const tcp = f.padded(f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_TCP, 20)));
const classOf = (key: string) => PROTO_CLASSES.findIndex(entry => entry.key === key);
const packets = (slot: CounterSlot) => slot.table.read(slot.slot).protos!.map(record => Number(record.packets));
const PASS = XDP_ACTIONS.indexOf('PASS');
/** [packets, bytes] of the slot's total, from the read of every slot's total. */
const bytesAndPackets = (slot: CounterSlot) => {
	const pass = slot.table.read(slot.slot, false).actions[PASS]!;
	return [Number(pass.packets), Number(pass.bytes)];
};
/** The slot's total, from the read of every slot's total. */
const total = (slot: CounterSlot) => Number(slot.table.read(slot.slot, false).actions[PASS]!.packets);

const cpus = cpuRowsPerSlot();

/** A counters map as xdptop makes it, or with one thing changed. */
function countersMap({type = BPF_MAP_TYPE_ARRAY, valueSize = ROW_SIZE, rows = cpus, flags = BPF_F_MMAPABLE} = {}): number {
	return check('create a map', libbpf().mapCreate(type, COUNTERS_MAP, 4, valueSize, rows, mapCreateOpts(flags)));
}

function only(index: number, count: number): number[] {
	return PROTO_CLASSES.map((_, at) => (at === index ? count : 0));
}

describe('counter slots', () => {
	const slots = new CounterSlots();
	const objects: StatsObject[] = [];
	const load = (slot: CounterSlot) => {
		const object = StatsObject.load({slot});
		objects.push(object);
		return object;
	};
	after(() => {
		objects.forEach(object => object.close());
		slots.close();
	});

	test('instances in two slots of one map count apart, and the program and its tag are the same', () => {
		const [first, second] = [slots.allocate(), slots.allocate()];
		assert.equal(first.mapFd, second.mapFd);
		assert.deepEqual([first.slot, second.slot], [0, 1]);
		const [a, b] = [load(first), load(second)];
		testRun(a.progFd, udp, 300);
		testRun(b.progFd, tcp, 70);
		assert.deepEqual(packets(first), only(classOf('PROTO_IPV4_UDP'), 300));
		assert.deepEqual(packets(second), only(classOf('PROTO_IPV6_TCP'), 70));
		assert.deepEqual([total(first), total(second)], [300, 70], 'each total in its own key');
		const [infoA, infoB] = [programInfoByFd(a.progFd), programInfoByFd(b.progFd)];
		assert.equal(infoA.tag, infoB.tag, 'the slot is data, not code');
		const mapId = mapInfoByFd(first.mapFd).id;
		assert.ok(infoA.mapIds.includes(mapId) && infoB.mapIds.includes(mapId), 'both use the one counters map');
	});

	test('one read serves each slot once, totals and classes alike; reading a slot again reads the map again', () => {
		const [first, second] = [slots.allocate(), slots.allocate()];
		const [a, b] = [load(first), load(second)];
		testRun(a.progFd, udp, 5);
		testRun(b.progFd, udp, 6);
		assert.equal(total(first), 5);
		testRun(b.progFd, udp, 4); // after the read that served the first slot
		assert.equal(total(second), 6, 'the second slot comes from the same read as the first');
		assert.equal(total(second), 10, 'asked again: a fresh read');
		testRun(a.progFd, udp, 2);
		assert.deepEqual(packets(first), only(classOf('PROTO_IPV4_UDP'), 5), "the first slot's classes: from the read that served the second, before these 2");
		testRun(b.progFd, udp, 1);
		const counters = second.table.read(second.slot);
		assert.equal(Number(counters.protos![classOf('PROTO_IPV4_UDP')]!.packets), 11, 'the second slot again: a fresh read');
		assert.equal(Number(counters.actions[PASS]!.packets), 11, 'PASS from the same read as the classes');
		assert.deepEqual(packets(first), only(classOf('PROTO_IPV4_UDP'), 7), 'the first slot: from that fresh read');
	});

	test('a read is never older than its round: a new round, or a slot handed out again, looks the map up', () => {
		const [first, second] = [slots.allocate(), slots.allocate()];
		const [a, b] = [load(first), load(second)];
		testRun(a.progFd, udp, 40);
		assert.equal(total(first), 40);
		testRun(b.progFd, udp, 7);
		assert.equal(total(second), 0, 'the same round: the same lookup');
		first.table.invalidate(); // what XdpSession.endRound does for every map
		assert.equal(total(second), 7, 'a new round');
		// The buffer still holds the first slot's 40 (read in this lookup, not yet served): hand it
		// back, take it again (zeroed), and its first read must not come from that buffer.
		slots.free(first);
		const taken: CounterSlot[] = [];
		for (let round = 0; round < 200 && !taken.some(slot => slot.mapFd === first.mapFd && slot.slot === first.slot); round++) {
			taken.push(slots.allocate());
		}
		assert.equal(total(taken.at(-1)!), 0);
		assert.deepEqual(packets(taken.at(-1)!), only(-1, 0));
		taken.forEach(slot => slots.free(slot));
	});

	test('a slot that counted nothing since the last round gives back the same totals object; one that counted, new totals', () => {
		const slot = slots.allocate();
		const object = load(slot);
		testRun(object.progFd, udp, 3);
		const read = () => {
			slot.table.invalidate();
			return slot.table.read(slot.slot, false);
		};
		const first = read();
		assert.equal(Number(first.actions[PASS]!.packets), 3);
		assert.equal(read(), first, 'idle: the same object, no new BigInts');
		testRun(object.progFd, udp, 2);
		const moved = read();
		assert.notEqual(moved, first);
		assert.equal(Number(moved.actions[PASS]!.packets), 5);
		assert.equal(Number(first.actions[PASS]!.packets), 3, 'what was handed out before is not changed');
	});

	test('a slot handed out again, counting as many frames as its last owner had but of another size, reads its own bytes', () => {
		const slot = slots.allocate();
		const before = load(slot);
		const small = f.padded(f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 26)), 60);
		const large = f.padded(f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 166)), 200);
		testRun(before.progFd, small, 3);
		slot.table.invalidate();
		assert.deepEqual(bytesAndPackets(slot), [3, 180]);
		slots.free(slot);
		let again: CounterSlot | undefined;
		const taken: CounterSlot[] = [];
		for (let round = 0; round < 200 && !again; round++) {
			const next = slots.allocate();
			taken.push(next);
			again = next.mapFd === slot.mapFd && next.slot === slot.slot ? next : undefined;
		}
		assert.ok(again, 'the freed slot is handed out again');
		testRun(load(again).progFd, large, 3);
		again.table.invalidate();
		assert.deepEqual(bytesAndPackets(again), [3, 600], 'the same packet count, its own bytes');
		taken.forEach(each => slots.free(each));
	});

	test('totals and classes past 2^53 read exactly (summed again in BigInt), and are read afresh each round', () => {
		const slot = slots.allocate();
		const [tcp4, arp] = [classOf('PROTO_IPV4_TCP'), classOf('PROTO_ARP')];
		const writeRow = (cpu: number, fill: (row: Buffer) => void) => {
			const row = Buffer.alloc(ROW_SIZE);
			fill(row);
			const key = Buffer.alloc(4);
			key.writeUInt32LE(slot.firstRow + cpu);
			check('write a row', libbpf().mapUpdateElem(slot.mapFd, key, row, 0));
		};
		writeRow(0, row => {
			row.writeBigUInt64LE(2n ** 53n, tcp4 * 16); // packets on CPU 0
			row.writeBigUInt64LE(2n ** 64n - 4n, tcp4 * 16 + 8); // bytes on CPU 0
			row.writeBigUInt64LE(1n, arp * 16); // and one ARP frame of one byte on CPU 0
			row.writeBigUInt64LE(1n, arp * 16 + 8);
		});
		if (cpus > 1) {
			writeRow(cpus - 1, row => {
				row.writeBigUInt64LE(1n, tcp4 * 16); // on the last CPU
				row.writeBigUInt64LE(1n, tcp4 * 16 + 8);
			});
		}
		slot.table.invalidate();
		const first = slot.table.read(slot.slot, false).actions[PASS]!;
		const extra = cpus > 1 ? 1n : 0n;
		assert.deepEqual([first.packets, first.bytes], [2n ** 53n + 1n + extra, 2n ** 64n - 3n + extra]);
		slot.table.invalidate();
		const again = slot.table.read(slot.slot);
		assert.deepEqual(again.actions[PASS], first, 'the same values again');
		assert.deepEqual(again.protos![tcp4], {packets: 2n ** 53n + extra, bytes: 2n ** 64n - 4n + extra});
		assert.deepEqual(again.protos![arp], {packets: 1n, bytes: 1n});
		assert.deepEqual(again.perCpu, cpus > 1 ? [2n ** 53n + 1n, ...Array.from({length: cpus - 2}, () => 0n), 1n] : [2n ** 53n + 1n]);
		slots.free(slot);
	});

	test('the proof gives back the map and the slot, read from the program itself', () => {
		const slot = slots.allocate();
		const object = load(slot);
		const proven = proveByFd(object.progFd);
		assert.ok(proven);
		try {
			assert.equal(proven.slot, slot.slot);
			assert.equal(proven.firstRow, slot.slot * cpus);
			assert.equal(proven.mapId, mapInfoByFd(slot.mapFd).id);
			assert.equal(proven.rows, mapInfoByFd(slot.mapFd).maxEntries);
		} finally {
			closeFd(proven.mapFd);
		}
	});

	test('a full map grows into a second, twice as large; a slot handed back is zeroed before reuse', () => {
		const taken: CounterSlot[] = [];
		while (taken.length === 0 || taken.at(-1)!.mapFd === taken[0]!.mapFd) {
			taken.push(slots.allocate());
		}
		const [firstMap, secondMap] = [mapInfoByFd(taken[0]!.mapFd), mapInfoByFd(taken.at(-1)!.mapFd)];
		assert.equal(secondMap.maxEntries, firstMap.maxEntries * 2);
		assert.equal(firstMap.valueSize, ROW_SIZE, 'a row per key');
		assert.equal(firstMap.maxEntries, 16 * cpus, 'a row per CPU per slot');

		const used = taken.at(-1)!;
		const object = StatsObject.load({slot: used});
		testRun(object.progFd, udp, 40);
		assert.equal(packets(used)[classOf('PROTO_IPV4_UDP')], 40);
		object.close();
		slots.free(used);
		// Fresh slots of the second map go first; then the one handed back, zeroed.
		const handedOut: CounterSlot[] = [];
		for (let round = 0; round < 100 && !handedOut.some(slot => slot.mapFd === used.mapFd && slot.slot === used.slot); round++) {
			handedOut.push(slots.allocate());
		}
		const again = handedOut.at(-1)!;
		assert.deepEqual([again.mapFd, again.slot], [used.mapFd, used.slot], 'reused only once every fresh slot was taken');
		assert.equal(handedOut.length, secondMap.maxEntries / cpus, 'after the 31 fresh ones');
		assert.deepEqual(packets(again), only(-1, 0));
	});
});

test('the proof refuses our instructions with a .rodata that is not frozen (it could be rewritten after the proof)', () => {
	const counters = countersMap();
	// BPF_F_RDONLY_PROG, as libbpf sets on .rodata.
	const rodata = check('create a map', libbpf().mapCreate(2, 'xdp_stat.rodata', 4, 4, 1, mapCreateOpts(1 << 7)));
	// Row 0: the first row of the one slot of the map, right but for frozen.
	check('write the slot', libbpf().mapUpdateElem(rodata, Buffer.alloc(4), Buffer.alloc(4), 0));
	const object = LoadedObject.load(objectSource('xdp_stats.bpf.o'), PROG_NAME, [COUNTERS_MAP], {
		reuseMaps: new Map([
			[COUNTERS_MAP, counters],
			[RODATA_MAP, rodata],
		]),
	});
	try {
		assert.match(readFileSync(`/proc/self/fdinfo/${rodata}`, 'latin1'), /^frozen:\s*0$/m);
		assert.equal(proveByFd(object.progFd), undefined);
	} finally {
		object.close();
		[counters, rodata].forEach(closeFd);
	}
});

test('an instance with a map of its own (as offloaded to a device, which cannot be mapped) is read by lookups, the same as mapped', () => {
	const object = StatsObject.load();
	const rows = mapInfoByFd(object.countersMapFd).maxEntries;
	const [lookedUp, mapped] = [CounterTable.lookedUp(object.countersMapFd, rows), CounterTable.mapped(object.countersMapFd, rows)];
	try {
		assert.equal(rows, cpus, 'one slot: a row per CPU id');
		testRun(object.progFd, udp, 12);
		testRun(object.progFd, tcp, 5);
		const read = lookedUp.read(0);
		assert.deepEqual(read.protos!.map(record => Number(record.packets)), PROTO_CLASSES.map((_, at) => (at === classOf('PROTO_IPV4_UDP') ? 12 : at === classOf('PROTO_IPV6_TCP') ? 5 : 0)));
		assert.equal(Number(read.actions[PASS]!.packets), 17);
		assert.deepEqual(read, mapped.read(0));
	} finally {
		lookedUp.close();
		mapped.close();
		object.close();
	}
});

describe('the proof takes our instructions counting in one slot of their map, and nowhere else', () => {
	for (const [label, slots, firstRow, provenSlot] of [
		['the last slot', 2, cpus, 1],
		['a slot past the end', 2, 2 * cpus, undefined],
		['far past the end', 2, 0xff_ff_ff_ff, undefined],
		...(cpus > 1 ? [['a row that does not start a slot (it would count into the next slot on the last CPU)', 2, 1, undefined] as const] : []),
	] as const) {
		test(label, () => {
			const mapFd = countersMap({rows: slots * cpus});
			const object = StatsObject.load({slot: {mapFd, firstRow}});
			const result = proveByFd(object.progFd);
			try {
				assert.equal(result?.slot, provenSlot);
			} finally {
				object.close();
				closeFd(mapFd);
				if (result) {
					closeFd(result.mapFd);
				}
			}
		});
	}
});

describe('the proof refuses our instructions bound to a counters map of another kind', () => {
	for (const [label, map] of [
		['an array that cannot be mapped into memory', {flags: 0}],
		['rows shorter than ours (the previous layout\'s values)', {valueSize: CLASSES_SIZE}],
		['a per-CPU array (the previous layout\'s map)', {type: BPF_MAP_TYPE_PERCPU_ARRAY, valueSize: ROW_SIZE, flags: 0}],
		...(cpus > 1 ? [['rows that are not a whole number of slots', {rows: 2 * cpus + 1}] as const] : []),
	] as const) {
		test(label, () => {
			const mapFd = countersMap(map);
			const object = StatsObject.load({slot: {mapFd, firstRow: 0}});
			try {
				assert.equal(proveByFd(object.progFd), undefined);
			} finally {
				object.close();
				closeFd(mapFd);
			}
		});
	}
	test('a map of our very layout that the kernel will not map into memory (a spin lock in its value)', () => {
		const object = LoadedObject.load(fileURLToPath(new URL('../../build/fixtures/xdp_impostor_locked.bpf.o', import.meta.url)), PROG_NAME, [COUNTERS_MAP], {
			maxEntries: new Map([[COUNTERS_MAP, cpus]]),
		});
		try {
			const counters = mapInfoByFd(object.mapFd(COUNTERS_MAP));
			assert.deepEqual([counters.type, counters.flags, counters.valueSize, counters.maxEntries], [BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, ROW_SIZE, cpus], 'right in all the proof looked at before');
			assert.equal(programInfoByFd(object.progFd).tag, shippedProgramTag(), 'our instructions');
			assert.equal(proveByFd(object.progFd), undefined);
		} finally {
			object.close();
		}
	});

	test('and takes it bound to one as xdptop makes it (the cases above differ in one thing)', () => {
		const mapFd = countersMap();
		const object = StatsObject.load({slot: {mapFd, firstRow: 0}});
		const result = proveByFd(object.progFd);
		try {
			assert.equal(result?.slot, 0);
		} finally {
			object.close();
			closeFd(mapFd);
			if (result) {
				closeFd(result.mapFd);
			}
		}
	});
});

describe('slots on real interfaces (veth pairs of the test)', () => {
	const total = (counters: unknown) => (counters as {protos: number[]}).protos.reduce((sum, value) => sum + value, 0);

	test('two attachments of one process share one map and count apart; another xdptop reads them; a --keep brings its slot back', async () => {
		const lab = new VethLab();
		const second = `${lab.localIf}s`;
		const agents: Agent[] = [];
		const start = () => {
			const agent = new Agent(lab.local);
			agents.push(agent);
			return agent;
		};
		try {
			lab.ip('link', 'add', second, 'type', 'veth', 'peer', 'name', `${lab.localIf}p`);
			lab.ip('link', 'set', second, 'up');
			lab.ip('link', 'set', `${lab.localIf}p`, 'up');
			const monitor = start();
			await monitor.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
			await monitor.ok({op: 'attach', ifname: second, mode: 'skb'});
			const programs = [lab.ipLinkXdp()!.prog!.id, lab.ipLinkXdp(second)!.prog!.id].map(id => programInfo(id));
			assert.notEqual(programs[0]!.id, programs[1]!.id, 'an instance per interface');
			assert.deepEqual(
				programs[0]!.mapIds.filter(id => programs[1]!.mapIds.includes(id)).length,
				1,
				'one map in common (the counters), each its own .rodata',
			);

			lab.send(50);
			assert.equal(total(await monitor.ok({op: 'counters', ifname: lab.localIf})), 50);
			assert.equal(total(await monitor.ok({op: 'counters', ifname: second})), 0);
			const other = start();
			assert.equal(total(await other.ok({op: 'counters', ifname: lab.localIf})), 50, "another xdptop reads the slot it proves");
			assert.equal(total(await other.ok({op: 'counters', ifname: second})), 0);
			await other.ok({op: 'close', keep: false});

			await monitor.ok({op: 'close', keep: true});
			const next = start();
			assert.deepEqual(((await next.ok({op: 'adopt'})) as string[]).sort(), [lab.localIf, second].sort());
			lab.send(10);
			assert.equal(total(await next.ok({op: 'counters', ifname: lab.localIf})), 60, 'counters continue in the kept slot');
			assert.equal(total(await next.ok({op: 'counters', ifname: second})), 0);
			await next.ok({op: 'close', keep: false});
			assert.equal(lab.ipLinkXdp(), undefined);
			assert.equal(lab.ipLinkXdp(second), undefined);

			// A root process loads our very object onto the monitor's map, in the slot of its
			// interface: its frames land there, but neither the monitor nor another xdptop shows
			// them as the other interface's.
			const victim = start();
			await victim.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
			const impostor = start();
			await impostor.ok({op: 'impostorOnSlotOf', ifname: second, slotOf: lab.localIf});
			assert.equal(await victim.ok({op: 'counters', ifname: second}), undefined, 'not read: it counts in a map of this process');
			const third = start();
			assert.notEqual(await third.ok({op: 'counters', ifname: lab.localIf}), undefined);
			assert.equal(await third.ok({op: 'counters', ifname: second}), undefined, 'not read: its slot is counted in by another program');
		} finally {
			await Promise.all(agents.map(agent => agent.kill('SIGKILL').catch(() => undefined)));
			const sweeper = new Agent(lab.local); // What a failed step left kept: taken over and detached.
			await sweeper.ok({op: 'adopt'}).catch(() => undefined);
			await sweeper.ok({op: 'close', keep: false}).catch(() => undefined);
			await sweeper.kill('SIGKILL').catch(() => undefined);
			lab.remove();
		}
	});
});
