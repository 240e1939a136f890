/**
 * Network labs for kernel tests: two namespaces the test creates, joined by a veth pair, with
 * IPv6 off so that no traffic flows but what the test sends. Removed by remove(), and by an
 * exit hook if a test dies before it gets there.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {trafgenConfig} from '../../source/demo/frames.js';
import {createVethPair, deleteNamespaces} from '../../source/demo/namespaces.js';

const live = new Set<string>();
let counter = 0;

process.on('exit', () => deleteNamespaces([...live]));

export function run(command: string, args: readonly string[]): string {
	return execFileSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

export interface IpLinkXdp {
	readonly mode: number;
	readonly prog?: {readonly id: number; readonly name: string};
	readonly attached?: ReadonlyArray<{readonly mode: number; readonly prog: {readonly id: number; readonly name: string}}>;
}

export interface LinkStats {
	readonly rxPackets: number;
	readonly txPackets: number;
}

/** The kernel's packet counters of an interface in a namespace. */
export function linkStats(namespace: string, ifname: string): LinkStats {
	const [link] = JSON.parse(run('ip', ['-n', namespace, '-s', '-j', 'link', 'show', 'dev', ifname])) as Array<{
		stats64: {rx: {packets: number}; tx: {packets: number}};
	}>;
	return {rxPackets: link!.stats64.rx.packets, txPackets: link!.stats64.tx.packets};
}

export class VethLab {
	/** The namespace xdptop runs in, and its end of the pair. */
	readonly local: string;
	readonly localIf: string;
	/** Where traffic comes from. */
	readonly peer: string;
	readonly peerIf: string;
	readonly #scratch = mkdtempSync(join(tmpdir(), 'xdptop-test-'));

	constructor() {
		counter++;
		const id = `${process.pid % 100_000}${counter}`;
		this.local = `xdptop-t${id}-a`;
		this.peer = `xdptop-t${id}-b`;
		this.localIf = `xt${id}a`;
		this.peerIf = `xt${id}b`;
		createVethPair({local: this.local, localIf: this.localIf, peer: this.peer, peerIf: this.peerIf, quiet: true});
		live.add(this.local);
		live.add(this.peer);
	}

	/** `ip -n <local> ...` */
	ip(...args: string[]): string {
		return run('ip', ['-n', this.local, ...args]);
	}

	/** The XDP part of `ip -j link` for the local end, or undefined when nothing is attached. */
	ipLinkXdp(ifname = this.localIf): IpLinkXdp | undefined {
		const [link] = JSON.parse(this.ip('-j', 'link', 'show', 'dev', ifname)) as Array<{xdp?: IpLinkXdp}>;
		return link?.xdp;
	}

	stats(namespace: string, ifname: string): LinkStats {
		return linkStats(namespace, ifname);
	}

	/** Sends exactly `count` 60-byte IPv4/UDP frames from the peer end, with trafgen. */
	send(count: number, frame: Buffer = udpFrame()): void {
		const config = join(this.#scratch, 'frame.cfg');
		writeFileSync(config, trafgenConfig([frame]));
		run('ip', ['netns', 'exec', this.peer, 'trafgen', '--dev', this.peerIf, '--conf', config, '--num', String(count), '--cpus', '1', '-q']);
	}

	/**
	 * Sends `count` frames from the peer end in the background, taking `frames` in turn, one every
	 * `gap` (trafgen's --gap, e.g. 500us): bounded in count and so in time. stopSending() ends it early.
	 */
	sendPaced(frames: readonly Buffer[], count: number, gap: string): ChildProcess {
		const config = join(this.#scratch, `paced-${count}.cfg`);
		writeFileSync(config, trafgenConfig(frames));
		return spawn('nsenter', [`--net=/run/netns/${this.peer}`, 'trafgen', '--dev', this.peerIf, '--conf', config, '--num', String(count), '--gap', gap, '--cpus', '1', '-q'], {stdio: 'ignore'});
	}

	remove(): void {
		deleteNamespaces([this.local, this.peer]);
		live.delete(this.local);
		live.delete(this.peer);
		rmSync(this.#scratch, {recursive: true, force: true});
	}
}

/**
 * 60 bytes: Ethernet, IPv4 (10.0.0.2 -> 10.0.0.1), UDP to `destinationPort` (12345 unless given);
 * only ever sent over a lab's veth pair.
 */
export function udpFrame(destinationPort = 12_345): Buffer {
	const frame = Buffer.alloc(60);
	frame.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
	frame.set([0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1], 14);
	frame.set([0x30, 0x39, destinationPort >> 8, destinationPort & 0xff, 0, 26, 0, 0], 34);
	return frame;
}

/** Ends a sender that may still run, and waits until it has. */
export async function stopSending(sender: ChildProcess): Promise<void> {
	if (sender.exitCode === null && sender.signalCode === null) {
		const exited = once(sender, 'exit');
		sender.kill();
		await exited;
	}
}
