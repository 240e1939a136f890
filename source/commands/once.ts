import {setTimeout as sleep} from 'node:timers/promises';
import {XdpSession} from '../bpf/session.js';
import {closeSession} from './close-session.js';
import {onCleanup, runCleanups} from '../lifecycle.js';
import {setBpfStats} from '../bpf/stats.js';
import {NOT_NATIVE} from '../model/driver-verdicts.js';
import {computeRates, runRates} from '../model/sample.js';
import {DriverCounters} from '../net/driver-counters.js';
import {KernelCounters} from '../net/kernel-counters.js';
import {ExceptionCounts} from '../net/exception-counts.js';
import {performance} from 'node:perf_hooks';
import {type Command} from '../options.js';
import {selectInterfaces, withXdpState} from './inventory.js';
import {formatOnce, onceJson, type OnceResult} from './once-format.js';
import {sampleAll} from './sampler.js';

/** Samples twice, one interval apart; with --attach, ours is attached only for that window. */
export async function runOnce(command: Extract<Command, {kind: 'once'}>): Promise<void> {
	const selected = await selectInterfaces(command.interfaces);
	const exceptions = new ExceptionCounts();
	onCleanup(() => exceptions.close());
	const session = new XdpSession();
	onCleanup(() => closeSession(session, command.keep));
	if (command.attach) {
		for (const target of selected) {
			session.attach(target, command.attach);
		}
	}
	// Listed again after attaching: the XDP state comes from that listing's netlink dump.
	const watched = withXdpState(command.attach ? await selectInterfaces(command.interfaces) : selected);
	const drivers = new DriverCounters();
	onCleanup(() => drivers.close());
	if (command.bpfStats) {
		setBpfStats(true);
		onCleanup(() => setBpfStats(false));
	}
	exceptions.start();
	const kernelCounters = new KernelCounters();
	onCleanup(() => kernelCounters.close());
	const before = sampleAll(watched, session, drivers, kernelCounters, command.bpfStats);
	exceptions.next(performance.now());
	await sleep(command.intervalSeconds * 1000);
	const after = sampleAll(watched, session, drivers, kernelCounters, command.bpfStats);
	exceptions.next(performance.now());
	const results: OnceResult[] = watched.map(entry => {
		const first = before.get(entry.ifindex)!;
		const last = after.get(entry.ifindex)!;
		return {
			name: entry.name,
			ifindex: entry.ifindex,
			ours: entry.xdp.attachments.find(attachment => attachment.ours),
			driver: last.driver
				? {name: entry.driver, reading: last.driver}
				: entry.xdp.attachments.some(attachment => !attachment.ours)
					? {name: entry.driver, reading: {kind: 'none' as const, reason: NOT_NATIVE}}
					: undefined,
			rates: computeRates(first.sample, last.sample),
			exceptions:
				entry.xdp.attachments.length === 0
					? undefined
					: {
							counted: exceptions.of(entry.ifindex),
							unavailable: exceptions.unavailable,
						},
			runs: command.bpfStats
				? entry.xdp.attachments.flatMap(attachment => {
						const [from, to] = [first.runs.get(attachment.progId), last.runs.get(attachment.progId)];
						return from && to ? [{attachment, rates: runRates([first.sample.atMs, last.sample.atMs], from, to)}] : [];
					})
				: undefined,
		};
	});
	const output = command.json
		? JSON.stringify(onceJson(results, command.intervalSeconds), null, 2)
		: formatOnce(results, command.intervalSeconds);
	process.stdout.write(`${output}\n`);
	for (const line of runCleanups()) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
}
