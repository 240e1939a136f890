/**
 * Section 6: what looking at the other network namespaces costs (the hint of `list`, the count in
 * the monitor's header, every 2 minutes there), and a tick of the monitor with -A: 20 namespaces of
 * the bench's own with 5 interfaces each (lo and two veth pairs), each read through a netlink socket made inside it. Wall time, and CPU of
 * this process and of its ip.
 */
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {libbpf} from '../source/bpf/libbpf.js';
import {XdpSession} from '../source/bpf/session.js';
import {listAllNamespaces} from '../source/commands/all-namespaces.js';
import {MonitorEngine} from '../source/monitor/engine.js';
import {closeNamespaces, holdNamespaces} from '../source/net/namespaces.js';
import {deleteNamespaces} from '../source/demo/namespaces.js';
import {median, record} from './report.js';

const NAMESPACES = 20;
const ROUNDS = 10;
const CLK_TCK = 100;
const LOOK_EVERY_S = 120;

const TICKS = 100;

/**
 * The CPU time of a process's threads in ms, from each one's schedstat (in ns: stat's utime and
 * stime count whole 10 ms ticks, more than a tick at home costs), with its waited-for children's
 * from stat; 0 once it is gone.
 */
function processCpuMs(pid: number | 'self'): number {
	try {
		let nanoseconds = 0;
		for (const task of readdirSync(`/proc/${pid}/task`)) {
			nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
		}
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return nanoseconds / 1e6 + ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
	} catch {
		return 0;
	}
}

const cpuMs = () => processCpuMs('self');

/** This process and its children that run on (the monitor's long-lived ip in each namespace). */
function treeCpuMs(): number {
	let total = cpuMs();
	for (const entry of readdirSync('/proc')) {
		if (/^\d+$/.test(entry)) {
			try {
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				if (Number(stat.split(') ')[1]!.split(' ')[1]) === process.pid) {
					total += processCpuMs(Number(entry));
				}
			} catch {
				// Gone meanwhile.
			}
		}
	}
	return total;
}

/**
 * The monitor's tick, as the engine runs it: with -A across every namespace of the host, and
 * without (its own namespace only), side by side. Wall time per tick, and CPU per tick of xdptop
 * and of its ip children. Nothing is attached.
 */
async function tickCost(allNamespaces: boolean, benchNames: readonly string[]): Promise<{wall: number; cpu: number}> {
	const session = new XdpSession();
	const engine = new MonitorEngine(session, {intervalSeconds: 1, interfaces: [], sshInterface: undefined, demo: true, allNamespaces});
	try {
		for (let warm = 0; warm < 3; warm++) {
			await engine.tick();
		}
		if (allNamespaces) {
			const shown = engine.snapshot.rows.filter(row => benchNames.includes(row.netns?.title ?? '')).length;
			if (shown !== benchNames.length * 5) {
				throw new Error(`-A showed ${shown} interfaces of the bench's namespaces, not ${benchNames.length * 5}`);
			}
		}
		const walls: number[] = [];
		const cpuBefore = treeCpuMs();
		for (let tick = 0; tick < TICKS; tick++) {
			const before = performance.now();
			await engine.tick();
			walls.push(performance.now() - before);
		}
		return {wall: median(walls), cpu: (treeCpuMs() - cpuBefore) / TICKS};
	} finally {
		engine.stop();
		session.close();
	}
}

export async function measureNamespaces(): Promise<void> {
	libbpf();
	const names = Array.from({length: NAMESPACES}, (_, index) => `xdptop-bench-${process.pid}-n${index}`);
	try {
		for (const name of names) {
			execFileSync('ip', ['netns', 'add', name]);
			execFileSync('ip', ['-n', name, '-batch', '-'], {input: 'link add na type veth peer name nb\nlink add nc type veth peer name nd\n'});
		}
		const walls: number[] = [];
		const cpus: number[] = [];
		let listed = 0;
		for (let round = 0; round < ROUNDS; round++) {
			const [cpuBefore, wallBefore] = [cpuMs(), performance.now()];
			const listings = await listAllNamespaces({skipOwn: true});
			walls.push(performance.now() - wallBefore);
			cpus.push(cpuMs() - cpuBefore);
			listed = listings.filter(listing => names.includes(listing.netns.name ?? '')).reduce((sum, listing) => sum + listing.interfaces.length, 0);
		}
		if (listed !== NAMESPACES * 5) {
			throw new Error(`listed ${listed} interfaces in the bench's namespaces, not ${NAMESPACES * 5}`);
		}
		const cpu = median(cpus);
		record({metric: `other namespaces: one look, ${NAMESPACES} x 5 interfaces (wall)`, value: median(walls), unit: 'ms'});
		record({metric: `other namespaces: one look, ${NAMESPACES} x 5 interfaces (CPU)`, value: cpu, unit: 'ms'});
		record({metric: `other namespaces: monitor's look every ${LOOK_EVERY_S} s, as CPU`, value: (cpu / (LOOK_EVERY_S * 1000)) * 100, unit: '%'});
		const scans: number[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const before = performance.now();
			closeNamespaces(holdNamespaces());
			scans.push(performance.now() - before);
		}
		record({metric: 'monitor -A: a full scan for namespaces (on a change, or every 5 s)', value: median(scans), unit: 'ms'});
		const home = await tickCost(false, names);
		const everywhere = await tickCost(true, names);
		record({metric: 'monitor tick, own namespace only (wall)', value: home.wall, unit: 'ms'});
		record({metric: `monitor -A tick, ${NAMESPACES} x 5 interfaces more (wall)`, value: everywhere.wall, unit: 'ms'});
		record({metric: 'monitor tick, own namespace only (CPU, with ip)', value: home.cpu, unit: 'ms'});
		record({
			metric: `monitor -A tick, ${NAMESPACES} x 5 interfaces more (CPU, xdptop and its ip)`,
			value: everywhere.cpu,
			unit: 'ms',
			ratio: everywhere.cpu / home.cpu,
			vs: 'own namespace only',
		});
		record({metric: 'monitor -A at a 1 s interval, as CPU', value: everywhere.cpu / 10, unit: '%'});
	} finally {
		deleteNamespaces(names);
	}
}
