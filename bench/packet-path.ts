/** Section 1: cost in the packet path, BPF_PROG_TEST_RUN through xdptop's own bindings. */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdirSync, rmSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {COUNTERS_MAP, LEGACY_LAYOUTS, XDP_ACTIONS} from '../source/bpf/abi.js';
import {check, libbpf} from '../source/bpf/libbpf.js';
import {CounterTable, cpuRowsPerSlot} from '../source/bpf/maps.js';
import {LoadedObject, loadLegacyStatsObject, StatsObject} from '../source/bpf/object.js';
import {testRun} from '../source/bpf/test-run.js';
import {ETH_P_IP, ethernet, IPPROTO_UDP, ipv4, padded} from '../source/demo/frames.js';
import {median, record, section} from './report.js';

// Many short rounds rather than a few long ones: the host's speed shifts in steps, and a ratio is
// taken within a round.
const REPEAT = 2_000_000;
const ROUNDS = 101;
const OVERHEAD_CALLS = 11;
const CONTENTION_REPEAT = 20_000_000;
const bench = (name: string) => fileURLToPath(new URL(`../build/bench/${name}.bpf.o`, import.meta.url));

/**
 * The anchors (nothing; one counter; datarec; datarec keyed by one read of the frame; datarec keyed
 * by xdptop's class; xdptop's counters with the class fixed; the same behind a bounds check alone),
 * xdptop_stats, and xdptop_stats of the previous layout (the same map, every frame through the
 * full parse).
 */
function programs(): Array<{name: string; object: {readonly progFd: number; close(): void}}> {
	return [
		{name: 'empty', object: LoadedObject.load(bench('empty'), 'bench_empty', [])},
		{name: 'seed', object: LoadedObject.load(bench('seed'), 'bench_seed', ['seed_count'])},
		{name: 'datarec', object: LoadedObject.load(bench('datarec'), 'bench_datarec', ['datarec_actions'])},
		{name: 'peek', object: LoadedObject.load(bench('peek'), 'bench_peek', ['peek_counts'])},
		{name: 'classes', object: LoadedObject.load(bench('classes'), 'bench_classes', ['class_counts'])},
		{name: 'rows', object: LoadedObject.load(bench('rows'), 'bench_rows', [COUNTERS_MAP], {maxEntries: new Map([[COUNTERS_MAP, cpuRowsPerSlot()]])})},
		{name: 'bounds', object: LoadedObject.load(bench('bounds'), 'bench_bounds', [COUNTERS_MAP], {maxEntries: new Map([[COUNTERS_MAP, cpuRowsPerSlot()]])})},
		{name: 'xdptop', object: StatsObject.load()},
		{name: 'previous', object: loadLegacyStatsObject(LEGACY_LAYOUTS[3])},
	];
}

/** CPU time of this process over one call, in ns. */
function callCpuNs(progFd: number, frame: Buffer, repeat: number): number {
	const before = process.cpuUsage();
	testRun(progFd, frame, repeat);
	const used = process.cpuUsage(before);
	return (used.user + used.system) * 1000;
}

/**
 * ns of CPU per run, less `overheadNs` per call. CPU time, not wall time: a call of more than one
 * run also swaps the program into the kernel's XDP dispatcher and out again, and waits for that
 * (~16 ms of wall time here, in whole 4 ms ticks, whatever the repeat; ~0.4 ms of CPU), which
 * made a wall-clock figure move in steps of 0.8 ns at 5 M runs and pulled every ratio towards 1.
 * The kernel's own average is in whole ns only.
 */
export function cpuNsPerRun(progFd: number, frame: Buffer, repeat: number, overheadNs = 0): number {
	return (callCpuNs(progFd, frame, repeat) - overheadNs) / repeat;
}

/**
 * What a call costs besides its runs: the process's CPU over calls of two runs (one run takes no
 * dispatcher swap), the same whatever the program. After one call of each (the first calls of a
 * process cost more), in rounds over every program; the median of all.
 */
function callOverheadNs(objects: ReadonlyArray<{readonly progFd: number}>, frame: Buffer): number {
	for (const {progFd} of objects) {
		callCpuNs(progFd, frame, 2);
	}
	return median(Array.from({length: OVERHEAD_CALLS}, () => objects.map(({progFd}) => callCpuNs(progFd, frame, 2))).flat());
}

function udpFrame(size: number): Buffer {
	return padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, size - 34)), size);
}

export function measurePacketPath(): void {
	section(`1. Cost in the packet path (BPF_PROG_TEST_RUN, CPU time, repeat ${REPEAT / 1e6}M less a call's own cost, median of ${ROUNDS})`);
	const loaded = programs();
	try {
		for (const size of [64, 1500]) {
			const frame = udpFrame(size);
			const samples = new Map<string, number[]>(loaded.map(({name}) => [name, []]));
			const overheadNs = callOverheadNs(loaded.map(({object}) => object), frame);
			// Side by side: every round runs every program once, each round in a rotated order, so
			// drift within a round does not always fall on the same program.
			for (let round = 0; round < ROUNDS; round++) {
				for (const {name, object} of [...loaded.slice(round % loaded.length), ...loaded.slice(0, round % loaded.length)]) {
					samples.get(name)!.push(cpuNsPerRun(object.progFd, frame, REPEAT, overheadNs));
				}
			}
			const ns = (name: string) => median(samples.get(name)!);
			// Ratios are taken within each round, then the median: drift between rounds cancels out.
			const ratio = (name: string, anchor: string) => median(samples.get(name)!.map((value, round) => value / samples.get(anchor)![round]!));
			record({metric: `${size} B: a call's own CPU (process; dispatcher swap)`, value: overheadNs / 1e3, unit: 'us'});
			record({metric: `${size} B: empty ns/pkt`, value: ns('empty'), unit: 'ns'});
			record({metric: `${size} B: seed (shared ++) ns/pkt`, value: ns('seed'), unit: 'ns', vs: 'empty', ratio: ratio('seed', 'empty')});
			record({metric: `${size} B: datarec ns/pkt`, value: ns('datarec'), unit: 'ns', vs: 'empty', ratio: ratio('datarec', 'empty')});
			record({metric: `${size} B: peek (datarec + a frame read) ns/pkt`, value: ns('peek'), unit: 'ns', vs: 'datarec', ratio: ratio('peek', 'datarec')});
			record({metric: `${size} B: classes (datarec by class) ns/pkt`, value: ns('classes'), unit: 'ns', vs: 'datarec', ratio: ratio('classes', 'datarec')});
			record({metric: `${size} B: rows (xdptop's row, no parse) ns/pkt`, value: ns('rows'), unit: 'ns', vs: 'datarec', ratio: ratio('rows', 'datarec')});
			record({metric: `${size} B: bounds (rows + a bounds check, no read) ns/pkt`, value: ns('bounds'), unit: 'ns', vs: 'datarec', ratio: ratio('bounds', 'datarec')});
			const vsEmpty = ratio('xdptop', 'empty');
			const vsDatarec = ratio('xdptop', 'datarec');
			record({metric: `${size} B: xdptop_stats ns/pkt`, value: ns('xdptop'), unit: 'ns', vs: 'empty', ratio: vsEmpty, target: '<= 1.12x empty', met: vsEmpty <= 1.12});
			record({metric: `${size} B: xdptop_stats vs datarec`, value: vsDatarec, unit: 'x', vs: 'datarec', ratio: vsDatarec, target: '<= 1.05x datarec', met: vsDatarec <= 1.05});
			record({metric: `${size} B: xdptop_stats vs peek`, value: ratio('xdptop', 'peek'), unit: 'x', vs: 'peek', ratio: ratio('xdptop', 'peek')});
			record({metric: `${size} B: xdptop_stats vs classes`, value: ratio('xdptop', 'classes'), unit: 'x', vs: 'classes', ratio: ratio('xdptop', 'classes')});
			record({metric: `${size} B: xdptop_stats vs rows`, value: ratio('xdptop', 'rows'), unit: 'x', vs: 'rows', ratio: ratio('xdptop', 'rows')});
			record({metric: `${size} B: previous layout (full parse) ns/pkt`, value: ns('previous'), unit: 'ns', vs: 'xdptop_stats', ratio: ratio('previous', 'xdptop')});
		}
	} finally {
		for (const {object} of loaded) {
			object.close();
		}
	}
}

/** Two processes pinned to two CPUs run the same program at once. */
async function contend(pin: string): Promise<number[]> {
	const worker = fileURLToPath(new URL('testrun-worker.ts', import.meta.url));
	const children = [0, 1].map(cpu =>
		spawn('taskset', ['-c', String(cpu), process.execPath, '--import', 'tsx', worker, pin, String(CONTENTION_REPEAT)], {stdio: ['pipe', 'pipe', 'inherit']}),
	);
	const lines = children.map(child => createInterface({input: child.stdout!})[Symbol.asyncIterator]());
	await Promise.all(lines.map(async line => (await line.next()).value));
	for (const child of children) {
		child.stdin!.write('go\n');
	}
	const results = await Promise.all(lines.map(async line => Number((await line.next()).value)));
	await Promise.all(children.map(async child => child.exitCode ?? once(child, 'exit')));
	return results;
}

export async function measureContention(): Promise<void> {
	section(`   Two CPUs on one program at once (2 x ${CONTENTION_REPEAT / 1e6}M runs)`);
	const directory = `/sys/fs/bpf/xdptop-bench-${process.pid}`;
	mkdirSync(directory, {recursive: true});
	const seed = LoadedObject.load(bench('seed'), 'bench_seed', ['seed_count']);
	const ours = StatsObject.load();
	try {
		const api = libbpf();
		check('pin', api.objPin(seed.progFd, `${directory}/seed`));
		check('pin', api.objPin(ours.progFd, `${directory}/ours`));
		const expected = 2 * CONTENTION_REPEAT;

		const seedNs = median(await contend(`${directory}/seed`));
		const value = Buffer.alloc(8);
		check('read seed counter', api.mapLookupElem(seed.mapFd('seed_count'), Buffer.alloc(4), value));
		const seedCount = Number(value.readBigUInt64LE(0));
		record({metric: 'contention: seed ns/pkt', value: seedNs, unit: 'ns'});
		record({metric: 'contention: seed counts lost', value: ((expected - seedCount) / expected) * 100, unit: '%'});

		const oursNs = median(await contend(`${directory}/ours`));
		const table = CounterTable.mapped(ours.countersMapFd, cpuRowsPerSlot());
		const counters = table.read(0);
		table.close();
		const passed = Number(counters.actions[XDP_ACTIONS.indexOf('PASS')]!.packets);
		record({metric: 'contention: xdptop_stats ns/pkt', value: oursNs, unit: 'ns', vs: 'seed', ratio: oursNs / seedNs});
		record({metric: 'contention: xdptop_stats counts lost', value: ((expected - passed) / expected) * 100, unit: '%', target: 'exact (0 %)', met: passed === expected});
	} finally {
		seed.close();
		ours.close();
		rmSync(directory, {recursive: true, force: true});
	}
}
