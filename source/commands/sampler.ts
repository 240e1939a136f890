/** Takes one sample of every watched interface: kernel counters (one read) and our XDP maps. */
import {performance} from 'node:perf_hooks';
import {type XdpSession} from '../bpf/session.js';
import {type InterfaceSample} from '../model/sample.js';
import {type XdpState} from '../model/xdp.js';
import {readKernelCounters} from '../net/kernel-counters.js';

export interface Watched {
	readonly name: string;
	readonly ifindex: number;
	readonly xdp: XdpState;
}

export async function sampleAll(watched: readonly Watched[], session: XdpSession): Promise<Map<number, InterfaceSample>> {
	const kernel = await readKernelCounters();
	const atMs = performance.now();
	const samples = new Map<number, InterfaceSample>();
	for (const entry of watched) {
		const ours = entry.xdp.attachments.find(attachment => attachment.ours);
		const xdp = ours ? session.readCounters(entry.ifindex, ours.progId) : undefined;
		const counters = kernel.get(entry.name);
		samples.set(entry.ifindex, {atMs, ...(counters ? {kernel: counters} : {}), ...(xdp ? {xdp} : {})});
	}
	return samples;
}
