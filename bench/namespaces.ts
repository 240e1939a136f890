/**
 * Section 6: what looking at the other network namespaces costs (the hint of `list`, the count in
 * the monitor's header, every 30 s there): 20 namespaces of the bench's own with 5 interfaces each
 * (lo and two veth pairs), each listed through nsenter on a held fd. Wall time, and CPU of this
 * process and of the nsenter/ip children it waited for.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {libbpf} from '../source/bpf/libbpf.js';
import {listAllNamespaces} from '../source/commands/all-namespaces.js';
import {deleteNamespaces} from '../source/demo/namespaces.js';
import {median, record} from './report.js';

const NAMESPACES = 20;
const ROUNDS = 10;
const CLK_TCK = 100;
const LOOK_EVERY_S = 120;

/** utime + stime of this process and of its waited-for children, in ms. */
function cpuMs(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
	return ([11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) * 1000) / CLK_TCK;
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
	} finally {
		deleteNamespaces(names);
	}
}
