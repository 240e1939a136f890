/**
 * `xdptop --demo`: a throwaway pair of namespaces joined by a veth pair, a modest bounded mix of
 * traffic across it, and the monitor running inside the receiving namespace. Nothing on the
 * host's own interfaces changes, and everything is removed on exit, whichever process ends first.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {programPath} from '../system-programs.js';
import {createVethPair, deleteNamespaces, listNamespaces, namespaceAt, processesIn, type NamespaceId} from './namespaces.js';
import {demoMix, trafgenConfig} from './frames.js';

const PREFIX = 'xdptop-demo-';
/** ~2,500 frames/s for at most ~13 minutes: visible on the screen, invisible on the host. */
const GAP_MICROSECONDS = 400;
const FRAME_LIMIT = 2_000_000;

export interface DemoLab {
	readonly local: string;
	readonly peer: string;
	readonly localIf: string;
	/** Undefined without trafgen: the demo then runs without traffic. */
	readonly traffic: ChildProcess | undefined;
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

/** Kills the demo's traffic in a lab's peer namespace (trafgen forks workers, in their own group). */
export function stopTraffic(peer: NamespaceId | undefined): void {
	for (const {pid, command} of peer ? processesIn(peer) : []) {
		if (command === 'trafgen') {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// Already ended.
			}
		}
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
		stopTraffic(namespaceAt(`/run/netns/${peer}`));
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
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-demo-'));
	const config = join(scratch, 'mix.cfg');
	writeFileSync(config, trafgenConfig(demoMix()));
	const traffic = startTraffic(peer, spec.peerIf, config);
	return {
		local,
		peer,
		localIf: spec.localIf,
		traffic,
		remove() {
			try {
				if (traffic?.pid) {
					process.kill(-traffic.pid, 'SIGKILL');
				}
			} catch {
				// Already ended (it is bounded), or never started.
			}
			deleteNamespaces([local, peer]);
			rmSync(scratch, {recursive: true, force: true});
		},
	};
}

function startTraffic(peer: string, peerIf: string, config: string): ChildProcess | undefined {
	let ip: string;
	let trafgen: string;
	try {
		ip = programPath('ip');
		trafgen = programPath('trafgen');
	} catch {
		return undefined; // No trafgen: the demo still runs, without traffic.
	}
	const traffic = spawn(
		ip,
		// By path: ip netns exec would look trafgen up in PATH.
		['netns', 'exec', peer, trafgen, '--dev', peerIf, '--conf', config, '--gap', `${GAP_MICROSECONDS}us`, '--num', String(FRAME_LIMIT), '--cpus', '1', '-q'],
		// Its own process group: trafgen forks a worker per CPU, and all of them must go.
		{stdio: 'ignore', detached: true},
	);
	traffic.on('error', () => undefined);
	traffic.unref();
	return traffic;
}
