/**
 * `xdptop --demo`: a throwaway pair of namespaces joined by a veth pair, a modest bounded mix of
 * traffic across it, and the monitor running inside the receiving namespace. Nothing on the
 * host's own interfaces changes, and everything is removed on exit, whichever process ends first.
 */
import {createVethPair, deleteNamespaces, listNamespaces, namespaceAt, processesIn} from './namespaces.js';
import {demoMix} from './frames.js';
import {DEMO_TRAFFIC} from '../model/demo-traffic.js';
import {startTraffic, type Traffic} from './traffic.js';

const PREFIX = 'xdptop-demo-';

export interface DemoLab {
	readonly local: string;
	readonly peer: string;
	readonly localIf: string;
	readonly traffic: Traffic;
	remove(): void;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Labs of earlier demos whose processes were all killed at once (SIGKILL): removed now. A lab
 * whose parent died but whose monitor still runs in it is left to that monitor (see own-lab.ts).
 */
export function sweepStaleDemos(): void {
	const pids = new Set(listNamespaces().map(name => Number(/^xdptop-demo-(\d+)-[ab]$/.exec(name)?.[1])));
	for (const pid of pids) {
		if (!(pid > 0) || alive(pid)) {
			continue;
		}
		const [local, peer] = demoNamespaces(pid);
		const localId = namespaceAt(`/run/netns/${local}`);
		if (localId && processesIn(localId).length > 0) {
			continue;
		}
		deleteNamespaces([local, peer]);
	}
}

export function demoNamespaces(pid: number): [string, string] {
	return [`${PREFIX}${pid}-a`, `${PREFIX}${pid}-b`];
}

export function startDemoLab(pid = process.pid): DemoLab {
	sweepStaleDemos();
	const [local, peer] = demoNamespaces(pid);
	const spec = {local, peer, localIf: 'demo0', peerIf: 'demo1', quiet: false};
	createVethPair(spec);
	let traffic: Traffic;
	try {
		traffic = startTraffic(`/run/netns/${peer}`, spec.peerIf, {frames: demoMix(), ...DEMO_TRAFFIC});
	} catch (error) {
		deleteNamespaces([local, peer]);
		throw error;
	}
	return {
		local,
		peer,
		localIf: spec.localIf,
		traffic,
		remove() {
			traffic.stop();
			deleteNamespaces([local, peer]);
		},
	};
}
