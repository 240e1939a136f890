/**
 * `xdptop --demo`: a throwaway pair of namespaces joined by a veth pair, a modest bounded mix of
 * traffic across it, and the monitor running inside the receiving namespace. Nothing on the
 * host's own interfaces changes, and everything is removed on exit, whichever process ends first.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createVethPair, deleteNamespaces, listNamespaces} from './namespaces.js';
import {demoMix, trafgenConfig} from './frames.js';

const PREFIX = 'xdptop-demo-';
/** ~2,500 frames/s for at most ~13 minutes: visible on the screen, invisible on the host. */
const GAP_MICROSECONDS = 400;
const FRAME_LIMIT = 2_000_000;

export interface DemoLab {
	readonly local: string;
	readonly peer: string;
	readonly localIf: string;
	readonly traffic: ChildProcess;
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

/** Namespaces of earlier demos whose processes were all killed at once (SIGKILL): removed now. */
export function sweepStaleDemos(): void {
	const stale = listNamespaces().filter(name => {
		const pid = Number(/^xdptop-demo-(\d+)-[ab]$/.exec(name)?.[1]);
		return pid > 0 && !alive(pid);
	});
	deleteNamespaces(stale);
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
	const traffic = spawn(
		'ip',
		['netns', 'exec', peer, 'trafgen', '--dev', spec.peerIf, '--conf', config, '--gap', `${GAP_MICROSECONDS}us`, '--num', String(FRAME_LIMIT), '--cpus', '1', '-q'],
		// Its own process group: trafgen forks a worker per CPU, and all of them must go.
		{stdio: 'ignore', detached: true},
	);
	traffic.on('error', () => undefined); // No trafgen: the demo still runs, without traffic.
	traffic.unref();
	return {
		local,
		peer,
		localIf: spec.localIf,
		traffic,
		remove() {
			try {
				process.kill(-traffic.pid!, 'SIGKILL');
			} catch {
				// Already ended (it is bounded), or never started.
			}
			deleteNamespaces([local, peer]);
			rmSync(scratch, {recursive: true, force: true});
		},
	};
}
