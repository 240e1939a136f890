/** xdptop -b end to end, on a veth pair of the test's own: the stream read from a pipe while traffic flows. */
import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {StandInIp} from '../helpers/standin-ip.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));

interface Line {
	time: string;
	intervalSeconds: number;
	interfaces: Array<{
		name: string;
		rx: {packets: number};
		xdp: {mode: string; actions: Record<string, {packets: number}>; protos: Record<string, {packets: number}>} | null;
	}>;
}

describe('xdptop -b', () => {
	let lab: VethLab;
	beforeEach(() => {
		lab = new VethLab();
	});
	afterEach(() => lab.remove());

	/** xdptop in the lab's namespace; with a stand-in, under it (its ip in place of the real one). */
	function start(args: readonly string[], standIn?: StandInIp) {
		const xdptop = ['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, ...args];
		const [command, ...rest] = standIn ? standIn.wrap(xdptop) : xdptop;
		const child = spawn(command!, rest, {env: {...process.env, ...standIn?.environment}}) as ChildProcessWithoutNullStreams;
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
		const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		void exited.finally(() => clearTimeout(killer));
		return {child, exited, stderr: () => stderr};
	}

	async function waitFor(ok: () => boolean): Promise<void> {
		const deadline = Date.now() + 10_000;
		while (!ok() && Date.now() < deadline) {
			await sleep(20);
		}
	}

	async function attached(): Promise<void> {
		await waitFor(() => lab.ipLinkXdp() !== undefined);
		assert.equal(lab.ipLinkXdp()?.mode, 2, 'ours attached in skb mode');
	}

	test('--json from a pipe while traffic flows: one object per line, and the lines add up to what was sent', async () => {
		const {child, exited, stderr} = start(['-b', '--json', '--attach', 'skb', '-i', lab.localIf, '-n', '0.3']);
		const lines: Line[] = [];
		const reader = createInterface({input: child.stdout});
		reader.on('line', line => lines.push(JSON.parse(line) as Line));
		await attached();
		await sleep(400); // The first sample is taken.
		const bursts = [300, 500, 200];
		for (const count of bursts) {
			lab.send(count);
			await sleep(350);
		}
		const sent = bursts.reduce((sum, count) => sum + count, 0);
		const total = (pick: (entry: Line['interfaces'][number]) => number | undefined) =>
			lines.reduce((sum, line) => sum + line.interfaces.reduce((inner, entry) => inner + (pick(entry) ?? 0), 0), 0);
		const deadline = Date.now() + 5000;
		while (total(entry => entry.rx.packets) < sent && Date.now() < deadline) {
			await sleep(50);
		}
		await sleep(700); // Two more lines: nothing more may arrive.
		assert.equal(total(entry => entry.rx.packets), sent, stderr());
		assert.equal(total(entry => entry.xdp?.actions['PASS']?.packets), sent);
		assert.equal(total(entry => entry.xdp?.protos['IPv4 UDP']?.packets), sent);
		assert.ok(lines.filter(line => line.interfaces[0]!.rx.packets > 0).length >= 2, 'the traffic spans several lines');
		for (const line of lines) {
			assert.equal(line.intervalSeconds, 0.3);
			assert.ok(Math.abs(Date.parse(line.time) - Date.now()) < 60_000);
			assert.deepEqual(line.interfaces.map(entry => [entry.name, entry.xdp?.mode]), [[lab.localIf, 'skb']]);
		}
		// The reader goes away: the next write finds no pipe, which ends the stream normally.
		child.stdout.destroy();
		const [code] = await exited;
		assert.equal(code, 0, stderr());
		assert.match(stderr(), new RegExp(`^xdptop: detached xdptop_stats from ${lab.localIf}\\n$`));
		assert.equal(lab.ipLinkXdp(), undefined, 'nothing left attached');
	});

	test('| head -3 ends cleanly: exit 0, three lines, detached', () => {
		const script = `"$@" | head -3; echo "status \${PIPESTATUS[0]}" >&2`;
		const result = spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, 'bash', '-c', script, 'bash', process.execPath, CLI, '-b', '--json', '-n', '0.1', '--attach', 'skb', '-i', lab.localIf], {
			encoding: 'utf8',
			timeout: 30_000,
		});
		assert.equal(result.stdout.trim().split('\n').length, 3);
		assert.match(result.stderr, /^xdptop: detached xdptop_stats from \S+\nstatus 0\n$/);
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('-c 2 prints two text blocks and ends; ours is detached', async () => {
		const {child, exited, stderr} = start(['-b', '-c', '2', '-n', '0.2', '--attach', 'skb', '-i', lab.localIf]);
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		const [code] = await exited;
		assert.equal(code, 0, stderr());
		const blocks = stdout.split('\n\n').filter(Boolean);
		assert.equal(blocks.length, 2, stdout);
		for (const block of blocks) {
			assert.match(block, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  rates over 0.2 s\\n${lab.localIf}  \\(xdptop_stats in skb mode\\)\\n  kernel rx `));
		}
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('-c 4 ends after four samples when samples keep failing: no block for those, exit 1 saying how many, ours detached', async () => {
		// ip (a stand-in, in a mount namespace of the test's own) starts failing once the first
		// block is out, and a new interface makes every later sample list interfaces again.
		const standIn = new StandInIp();
		try {
			const {child, exited, stderr} = start(['-b', '-c', '4', '-n', '1', '--attach', 'skb', '-i', lab.localIf], standIn);
			let stdout = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			await waitFor(() => stdout.includes('\n\n'));
			assert.ok(stdout.includes('\n\n'), `a first block: ${stderr()}`);
			standIn.failing(true);
			lab.ip('link', 'add', 'xfail0', 'type', 'bridge');
			const [code, signal] = await exited;
			assert.equal(signal, null, 'it ended by itself');
			assert.equal(code, 1, stderr());
			const blocks = stdout.split('\n\n').filter(Boolean).length;
			const missed = /xdptop: no block for (\d) of 4 samples \(see above\)\n/.exec(stderr());
			assert.ok(missed, stderr());
			assert.ok(Number(missed[1]) >= 1 && blocks >= 1, `${blocks} blocks, ${missed[1]} missed`);
			assert.equal(blocks + Number(missed[1]), 4, 'every sample printed a block or counts as missed');
			assert.equal((stderr().match(/^xdptop: no sample this interval: /gm) ?? []).length, Number(missed[1]));
			assert.ok(standIn.count('fail') >= 1, 'ip failed');
			assert.match(stderr(), /detached xdptop_stats from/);
			assert.equal(lab.ipLinkXdp(), undefined);
		} finally {
			standIn.remove();
		}
	});

	test('a block after a late sample says how long it covers', async () => {
		// The stand-in ip holds back the listing that a new interface asks for, so one sample is late.
		const standIn = new StandInIp();
		try {
			const {child, exited} = start(['-b', '-n', '0.3', '-i', lab.localIf], standIn);
			let stdout = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			const headers = () => [...stdout.matchAll(/rates over ([\d.]+) s\n/g)].map(match => Number(match[1]));
			await waitFor(() => headers().length >= 1);
			standIn.holdOnce();
			lab.ip('link', 'add', 'xhold0', 'type', 'bridge');
			await waitFor(() => standIn.count('held') === 1);
			await sleep(1500);
			standIn.release();
			const before = headers().length;
			await waitFor(() => headers().length >= before + 2);
			child.kill('SIGTERM');
			await exited;
			const seen = headers();
			assert.equal(seen[0], 0.3, stdout);
			assert.ok(seen.some(seconds => seconds >= 1.5 && seconds < 5), `one block covers the late sample: ${seen.join(', ')}`);
			assert.equal(seen.at(-1), 0.3, 'then whole intervals again');
		} finally {
			standIn.remove();
		}
	});

	test('a reader that stops reading makes -b wait, as top -b does, not pile samples up', async () => {
		// 100 more interfaces: a line of ~40 kB, so that a few fill the pipe.
		const links = Array.from({length: 50}, (_, index) => `link add xw${index} type veth peer name xv${index}`);
		execFileSync('ip', ['-n', lab.local, '-batch', '-'], {input: `${links.join('\n')}\n`});
		const {child, exited, stderr} = start(['-b', '--json', '-n', '0.1']);
		const lines: Array<{interfaces: Array<{elapsedSeconds: number}>}> = [];
		let partial = '';
		child.stdout.on('data', (chunk: Buffer) => {
			partial += chunk.toString();
			const complete = partial.split('\n');
			partial = complete.pop()!;
			lines.push(...complete.map(line => JSON.parse(line) as {interfaces: Array<{elapsedSeconds: number}>}));
		});
		await sleep(1000);
		child.stdout.pause();
		await sleep(3000);
		const before = lines.length;
		child.stdout.resume();
		await sleep(1000);
		const waited = lines.slice(before).map(line => line.interfaces[0]!.elapsedSeconds);
		assert.ok(waited.some(seconds => seconds >= 1.5), `a sample after the pause covers it: ${waited.join(', ')}`);
		assert.ok(lines.length < 45, `sampling waited while the reader did: ${lines.length} lines in 5 s at 0.1 s`);
		child.kill('SIGTERM');
		const [code] = await exited;
		assert.equal(code, 0, stderr());
	});

	test('--keep and a refused interface: nothing is left attached or pinned', async () => {
		lab.ip('link', 'add', 'xbr0', 'type', 'bridge');
		const result = spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '-b', '-c', '1', '--attach', 'drv', '--keep', '-i', lab.localIf, '-i', 'xbr0'], {encoding: 'utf8', timeout: 30_000});
		assert.equal(result.status, 1);
		assert.match(result.stderr, /^xdptop: detached xdptop_stats from \S+\nxdptop: driver bridge has no native XDP support on xbr0; use skb \(generic\) mode\n$/);
		assert.equal(lab.ipLinkXdp(), undefined);
		assert.doesNotMatch(spawnSync('ls', ['-R', '/sys/fs/bpf/xdptop'], {encoding: 'utf8'}).stdout, new RegExp(lab.localIf));
	});

	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		test(`${signal} is a normal end: exit 0, detached`, async () => {
			const {child, exited, stderr} = start(['-b', '-n', '0.2', '--attach', 'skb', '-i', lab.localIf]);
			child.stdout.resume();
			await attached();
			await sleep(300);
			child.kill(signal);
			const [code] = await exited;
			assert.equal(code, 0, stderr());
			assert.match(stderr(), /detached xdptop_stats from/);
			assert.equal(lab.ipLinkXdp(), undefined);
		});
	}
});
