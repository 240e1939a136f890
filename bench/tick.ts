/**
 * Section 3, run inside a bench namespace of its own: what one monitor tick costs in userspace
 * (every attached interface's maps, the exception table and the kernel counters), at 1, 64 and 1,024 interfaces
 * with xdptop_stats attached; anchors: a bpftool process per map, and a batch lookup from C.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {ExceptionCounter, ExceptionTableReader} from '../source/bpf/exceptions.js';
import {COUNTERS_MAP, EXCEPTIONS_MAP} from '../source/bpf/abi.js';
import {loadExceptionsObject} from '../source/bpf/object.js';
import {mapInfoByFd, programInfo, type MapInfo} from '../source/bpf/info.js';
import {closeFd, libbpf} from '../source/bpf/libbpf.js';
import {cpuRowsPerSlot} from '../source/bpf/maps.js';
import {XdpSession} from '../source/bpf/session.js';
import {openPacketSocket, type PacketSocket} from '../source/bpf/packet-socket.js';
import {queryXdp} from '../source/bpf/xdp.js';
import {ETH_P_IP, ethernet, IPPROTO_UDP, ipv4, padded} from '../source/demo/frames.js';
import {listInterfaces} from '../source/net/interfaces.js';
import {readFileSync} from 'node:fs';
import {KernelCounters} from '../source/net/kernel-counters.js';
import {sendFigures} from './namespace.js';
import {type Figure, median} from './report.js';

const SIZES = [1, 64, 1024];
const STATS_DUMP = fileURLToPath(new URL('../build/bench/stats_dump', import.meta.url));
const TICKS = 200;
const figures: Figure[] = [];
const session = new XdpSession();
const exceptions = ExceptionCounter.start();
const kernelCounters = new KernelCounters();
const attached: Array<{ifindex: number; progId: number}> = [];
/** On each pair's peer: a frame sent there arrives on the interface xdptop_stats is attached to. */
const peers: PacketSocket[] = [];
const FRAME = padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, 18)));
let pairs = 0;

function addPairs(total: number): void {
	const lines: string[] = [];
	for (let index = pairs; index < total; index++) {
		lines.push(`link add tb${index} type veth peer name tc${index}`, `link set tb${index} up`, `link set tc${index} up`);
	}
	execFileSync('ip', ['-batch', '-'], {input: `${lines.join('\n')}\n`});
	pairs = total;
}

/**
 * What the monitor reads every tick, besides the interface list: the kernel's counters (one
 * netlink dump), every attached interface's counters (one copy per counters map out of memory: 16,
 * 32, 64 ... slots), the protocol classes of the selected one, and the exceptions of every
 * program (a read of memory; a batch lookup when they counted since).
 */
async function tick(): Promise<void> {
	kernelCounters.read();
	exceptions.read(0);
	attached.forEach(({ifindex, progId}, index) => session.readCounters({ifindex}, progId, index === 0));
	session.endRound();
}

function mapInfo(id: number): MapInfo {
	const fd = libbpf().mapGetFdById(id);
	try {
		return mapInfoByFd(fd);
	} finally {
		closeFd(fd);
	}
}

function timed(fn: () => unknown): number {
	const start = process.hrtime.bigint();
	fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Ticks run before the timed ones: a monitor ticks for hours, so its cost is the warmed-up (JIT-compiled) tick's. */
const WARM_UP = 1000;

/**
 * `receiving`: every interface gets a frame before each tick (outside the timing), so every
 * counter moved since the last tick; else nothing moves, and the readings of idle interfaces
 * are reused.
 */
async function timeTicks(receiving: boolean): Promise<number> {
	const traffic = () => {
		if (receiving) {
			for (const peer of peers) {
				peer.send(FRAME);
			}
		}
	};
	for (let index = 0; index < WARM_UP; index++) {
		traffic();
		await tick();
	}
	const samples: number[] = [];
	for (let index = 0; index < TICKS; index++) {
		traffic();
		const start = process.hrtime.bigint();
		await tick();
		samples.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return median(samples);
}

try {
	for (const size of SIZES) {
		addPairs(size);
		const interfaces = await listInterfaces();
		for (let index = attached.length; index < size; index++) {
			const target = interfaces.find(entry => entry.name === `tb${index}`)!;
			session.attach(target, 'skb');
			attached.push({ifindex: target.ifindex, progId: queryXdp(target.ifindex, []).attachments[0]!.progId});
			peers.push(openPacketSocket('/proc/self/ns/net', `tc${index}`));
		}
		const ms = await timeTicks(false);
		const receivingMs = await timeTicks(true);
		// The kernel's counters two ways: a netlink dump (what xdptop reads), and /proc/net/dev read
		// alone (no parse), the file tools like bmon read.
		const netlink = median(Array.from({length: 50}, () => timed(() => kernelCounters.read())));
		const procfs = median(Array.from({length: 50}, () => timed(() => readFileSync('/proc/net/dev'))));
		const count = kernelCounters.read().size;
		// The floor: the same dump from C, its messages not parsed.
		const fromC = Number(execFileSync(STATS_DUMP, ['50'], {encoding: 'utf8'})) / 1e6;
		figures.push({metric: `kernel counters, ${count} interfaces: netlink dump`, value: netlink, unit: 'ms', vs: '/proc/net/dev read', ratio: netlink / procfs});
		figures.push({metric: `kernel counters, ${count} interfaces: the same dump from C`, value: fromC, unit: 'ms', vs: 'xdptop dump', ratio: fromC / netlink});
		const limit = size === 64 ? 0.1 : size === 1024 ? 3 : undefined;
		const attachedCount = `${size} interface${size > 1 ? 's' : ''} attached`;
		figures.push({metric: `tick, ${attachedCount}`, value: ms, unit: 'ms', ...(limit ? {target: `<= ${limit} ms`, met: ms <= limit} : {})});
		figures.push({metric: `tick, ${attachedCount}, all receiving`, value: receivingMs, unit: 'ms', vs: 'idle', ratio: receivingMs / ms});
		if (size === 64) {
			// Anchor: a tool that shells out runs bpftool once per interface (a map each).
			const countersMapId = programInfo(attached[0]!.progId).mapIds.find(id => mapInfo(id).name === COUNTERS_MAP)!;
			const spawns: number[] = [];
			for (let index = 0; index < 20; index++) {
				const start = process.hrtime.bigint();
				spawnSync('bpftool', ['-j', 'map', 'dump', 'id', String(countersMapId)], {stdio: 'ignore'});
				spawns.push(Number(process.hrtime.bigint() - start) / 1e6);
			}
			const bpftoolTick = median(spawns) * size;
			figures.push({metric: 'bpftool -j map dump, one process', value: median(spawns), unit: 'ms'});
			figures.push({metric: 'tick, 64 attached, bpftool per interface', value: bpftoolTick, unit: 'ms'});
			figures.push({metric: 'tick at 64: bpftool per interface / xdptop', value: bpftoolTick / ms, unit: 'x', vs: 'xdptop tick', ratio: bpftoolTick / ms, target: '>= 100x', met: bpftoolTick / ms >= 100});

			const iterations = 20_000;
			const helper = fileURLToPath(new URL('../build/bench/map_read', import.meta.url));
			const cNs = median([0, 1, 2].map(() => Number(execFileSync(helper, [String(countersMapId), String(iterations)], {encoding: 'utf8'}))));
			const start = process.hrtime.bigint();
			for (let index = 0; index < iterations; index++) {
				session.readCounters(attached[0]!, attached[0]!.progId);
			}
			const perInterfaceNs = Number(process.hrtime.bigint() - start) / iterations;
			// Reading the same slot again reads its map again: each iteration is one whole copy.
			const slots = mapInfo(countersMapId).maxEntries / cpuRowsPerSlot();
			figures.push({metric: `one counters map (${slots} slots) copied from memory, from C`, value: cNs / 1000, unit: 'us'});
			figures.push({metric: 'the same map read and one slot summed, xdptop', value: perInterfaceNs / 1000, unit: 'us', vs: 'C copy', ratio: perInterfaceNs / cNs});
		}
	}
	const microseconds = (read: () => unknown) => median(Array.from({length: 1000}, () => timed(read) * 1e3));
	const gated = microseconds(() => exceptions.read(0));
	// What each tick cost before the count of events gated it: the batch lookup of an empty table
	// (another copy of the object, not attached).
	const unattached = loadExceptionsObject();
	try {
		const table = new ExceptionTableReader(unattached.mapFd(EXCEPTIONS_MAP));
		const full = microseconds(() => table.read(0));
		figures.push({metric: 'exception table read in full, empty', value: full, unit: 'us'});
		figures.push({metric: 'exception table read, nothing counted since', value: gated, unit: 'us', vs: 'full read', ratio: gated / full});
	} finally {
		unattached.close();
	}
} finally {
	peers.forEach(peer => peer.close());
	exceptions.close();
	kernelCounters.close();
	session.close();
}
sendFigures(figures);
