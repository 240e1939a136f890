/**
 * Interface names are bytes. On veth pairs of our own named `w\xff` and `w\xfe` (bytes that are
 * not UTF-8, which a UTF-8 decoder turns into the same `w\uFFFD`) and `w\\xff` (a real backslash):
 * list, -i, the kernel's counters and --once --attach keep them apart. And the DRIVER column
 * reads the namespace xdptop runs in, not the host's /sys: a veth named eth0 is veth.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {once} from 'node:events';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {trafgenConfig} from '../source/demo/frames.js';
import {udpFrame, VethLab} from './helpers/netns.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const MONITOR_READS = fileURLToPath(new URL('helpers/byte-names-main.ts', import.meta.url));

/** The names' bytes, as `ip` would get them from bash's $'...'. */
const FF = {shell: String.raw`$'w\xff'`, hex: '77ff', escaped: String.raw`w\xff`, peer: 'pff'};
const FE = {shell: String.raw`$'w\xfe'`, hex: '77fe', escaped: String.raw`w\xfe`, peer: 'pfe'};
const SLASH = {shell: String.raw`'w\xff'`, hex: Buffer.from(String.raw`w\xff`).toString('hex'), escaped: String.raw`w\\xff`, peer: 'psl'};
const ETH0 = {shell: 'eth0', hex: Buffer.from('eth0').toString('hex'), escaped: 'eth0', peer: 'pe0'};
const ALL = [FF, FE, SLASH, ETH0];

interface Result {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

interface JsonEntry {
	readonly name: string;
	readonly nameBytes: string;
	readonly ifindex: number;
	readonly driver?: string;
	readonly rx?: {packets: number | null} | null;
	readonly xdp?: unknown;
}

let lab: VethLab;
let scratch: string;

/** Exactly `count` UDP frames from a peer end in the peer namespace, into its partner here. */
function sendFrom(peerIf: string, count: number): void {
	const config = join(scratch, 'frame.cfg');
	writeFileSync(config, trafgenConfig([udpFrame()]));
	execFileSync('ip', ['netns', 'exec', lab.peer, 'trafgen', '--dev', peerIf, '--conf', config, '--num', String(count), '--cpus', '1', '-q'], {stdio: 'ignore'});
}

/** bash, so that $'\xff' puts the byte itself on ip's command line (Node's argv is UTF-8). */
function bash(script: string): string {
	return execFileSync('bash', ['-c', script], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

async function xdptop(args: readonly string[], during?: () => Promise<void>): Promise<Result> {
	const child = spawn('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = once(child, 'exit');
	try {
		await during?.();
	} finally {
		await exited;
	}
	return {status: child.exitCode, stdout, stderr};
}

/** The lab's interfaces as the kernel has them: name bytes (hex) -> ifindex and XDP mode. */
function kernelLinks(): Map<string, {ifindex: number; xdpMode: number | undefined}> {
	const raw = execFileSync('ip', ['-n', lab.local, '-j', 'link', 'show'], {stdio: ['ignore', 'pipe', 'pipe']}).toString('latin1');
	const links = JSON.parse(raw) as Array<{ifindex: number; ifname: string; xdp?: {mode: number}}>;
	return new Map(links.map(link => [Buffer.from(link.ifname, 'latin1').toString('hex'), {ifindex: link.ifindex, xdpMode: link.xdp?.mode}]));
}

function ifindexOf(name: {hex: string}): number {
	return kernelLinks().get(name.hex)!.ifindex;
}

describe('names that are bytes', () => {
	before(() => {
		lab = new VethLab();
		scratch = mkdtempSync(join(tmpdir(), 'xdptop-bytes-'));
		for (const name of ALL) {
			bash(`ip -n ${lab.local} link add ${name.shell} type veth peer name ${name.peer} netns ${lab.peer} && ip -n ${lab.local} link set dev ${name.shell} up && ip -n ${lab.peer} link set dev ${name.peer} up`);
		}
	});
	after(() => {
		lab.remove();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('list --json: every one of them distinct, with its exact bytes; the text shows them escaped', async () => {
		const listed = await xdptop(['list', '--json']);
		assert.equal(listed.status, 0, listed.stderr);
		const entries = JSON.parse(listed.stdout) as JsonEntry[];
		const kernel = kernelLinks();
		for (const name of ALL) {
			const matching = entries.filter(entry => entry.nameBytes === name.hex);
			assert.equal(matching.length, 1, name.escaped);
			assert.equal(matching[0]!.ifindex, kernel.get(name.hex)!.ifindex, name.escaped);
		}
		assert.equal(new Set(entries.map(entry => entry.ifindex)).size, entries.length);
		assert.equal(entries.find(entry => entry.nameBytes === FF.hex)!.name, 'w\uFFFD', 'name is text, as a UTF-8 decoder reads it');
		assert.equal(entries.find(entry => entry.nameBytes === SLASH.hex)!.name, String.raw`w\xff`);
		const text = await xdptop(['list']);
		const rows = text.stdout.split('\n').map(line => line.split(/\s+/)[0]);
		for (const name of ALL) {
			assert.equal(rows.filter(row => row === name.escaped).length, 1, `${name.escaped} in\n${text.stdout}`);
		}
	});

	test('-i takes the escaped form xdptop shows, and ifindex:N: exactly one interface each', async () => {
		for (const name of ALL) {
			const selected = await xdptop(['list', '--json', '-i', name.escaped]);
			assert.equal(selected.status, 0, selected.stderr);
			assert.deepEqual((JSON.parse(selected.stdout) as JsonEntry[]).map(entry => entry.nameBytes), [name.hex], name.escaped);
		}
		const byIndex = await xdptop(['list', '--json', '-i', `ifindex:${ifindexOf(FE)}`]);
		assert.equal(byIndex.status, 0, byIndex.stderr);
		assert.deepEqual((JSON.parse(byIndex.stdout) as JsonEntry[]).map(entry => entry.nameBytes), [FE.hex]);
		const lossy = await xdptop(['list', '-i', 'w\uFFFD']);
		assert.equal(lossy.status, 2, 'what the command line makes of the raw byte names no interface');
		assert.match(lossy.stderr, /no interface named 'w\uFFFD'.*write them as \\xNN/);
		const bad = await xdptop(['list', '-i', String.raw`w\q`]);
		assert.equal(bad.status, 2);
		assert.match(bad.stderr, /'\\q' is not an escape/);
	});

	test('the DRIVER column is read in xdptop\'s own namespace: a veth named eth0 is veth', async () => {
		const listed = await xdptop(['list', '--json', '-i', 'eth0']);
		assert.equal(listed.status, 0, listed.stderr);
		assert.deepEqual((JSON.parse(listed.stdout) as JsonEntry[]).map(entry => entry.driver), ['veth']);
		const all = JSON.parse((await xdptop(['list', '--json'])).stdout) as JsonEntry[];
		assert.deepEqual(
			all.map(entry => entry.driver),
			all.map(entry => (entry.name === 'lo' ? 'loopback' : 'veth')),
		);
	});

	test('the monitor\'s long-lived lister and the kernel\'s counters: the same distinct interfaces, drivers from this namespace', () => {
		const output = execFileSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, '--import', 'tsx', MONITOR_READS], {encoding: 'utf8'});
		const report = JSON.parse(output) as {interfaces: Array<{hex: string; ifindex: number; driver: string; counted: boolean}>; counters: number[]};
		const kernel = kernelLinks();
		for (const name of ALL) {
			const matching = report.interfaces.filter(entry => entry.hex === name.hex);
			assert.deepEqual(matching, [{hex: name.hex, ifindex: kernel.get(name.hex)!.ifindex, driver: 'veth', counted: true}], name.escaped);
		}
		assert.deepEqual(new Set(report.counters), new Set([...kernel.values()].map(link => link.ifindex)), 'counters for every interface, by ifindex');
	});

	test('--once: the kernel counters of each name are its own', async () => {
		// No -i: each entry is told apart by its ifindex, which the kernel's counters must follow.
		// Sent in the middle of a 3 s interval: 1.5 s for xdptop's first sample to be taken before,
		// 1.5 s for the frames to land before the second.
		const result = await xdptop(['--once', '--json', '--interval', '3'], async () => {
			await sleep(1500);
			sendFrom(FE.peer, 30);
			sendFrom(FF.peer, 10);
		});
		assert.equal(result.status, 0, result.stderr);
		const packets = new Map((JSON.parse(result.stdout) as JsonEntry[]).map(entry => [entry.ifindex, entry.rx?.packets]));
		assert.deepEqual(
			[FF, FE, SLASH].map(name => [name.escaped, packets.get(ifindexOf(name))]),
			[
				[FF.escaped, 10],
				[FE.escaped, 30],
				[SLASH.escaped, 0],
			],
		);
	});

	test('--once --attach skb -i w\\xff: attaches to that one interface only, and detaches', async () => {
		const seen = new Set<string>();
		const result = await xdptop(['--once', '--json', '--attach', 'skb', '-i', FF.escaped, '--interval', '2'], async () => {
			const deadline = Date.now() + 1800;
			while (Date.now() < deadline) {
				for (const [hex, link] of kernelLinks()) {
					if (link.xdpMode !== undefined) {
						seen.add(hex);
					}
				}
				await sleep(100);
			}
		});
		assert.equal(result.status, 0, result.stderr);
		assert.deepEqual([...seen], [FF.hex], 'XDP was on w\\xff and nowhere else');
		const entries = JSON.parse(result.stdout) as Array<JsonEntry & {xdp: {mode: string} | null}>;
		assert.deepEqual(entries.map(entry => [entry.nameBytes, entry.xdp?.mode]), [[FF.hex, 'skb']]);
		assert.match(result.stderr, /detached xdptop_stats from w\\xff\n/);
		assert.deepEqual([...kernelLinks().values()].filter(link => link.xdpMode !== undefined), [], 'detached');
	});

	test('--keep -i w\\xff keeps that one attachment and says so by its escaped name; --cleanup removes it', async () => {
		let cleaned: Result | undefined;
		try {
			const kept = await xdptop(['--once', '--attach', 'skb', '--keep', '-i', FF.escaped, '-n', '0.2']);
			assert.equal(kept.status, 0, kept.stderr);
			assert.match(kept.stderr, /kept .* on w\\xff\b/);
			assert.doesNotMatch(kept.stderr, /\uFFFD|w\\xfe/);
			const attached = [...kernelLinks()].filter(([, link]) => link.xdpMode !== undefined).map(([hex]) => hex);
			assert.deepEqual(attached, [FF.hex]);
		} finally {
			cleaned = await xdptop(['--cleanup']); // Also when an assertion failed: no pin outlives the test.
		}
		assert.equal(cleaned.status, 0, cleaned.stderr);
		assert.match(cleaned.stdout, /w\\xff/);
		assert.deepEqual([...kernelLinks().values()].filter(link => link.xdpMode !== undefined), []);
	});
});
