/** xdptop --listen end to end, on a veth pair of the test's own: what a scrape says, and how it fails. */
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {fetchIn, rawRequest, stallingClients} from '../helpers/http.js';
import {VethLab} from '../helpers/netns.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const PROMTOOL = fileURLToPath(new URL('../../build/prometheus/usr/bin/promtool', import.meta.url));
const PORT = 9435;
const URL_ = `http://127.0.0.1:${PORT}/metrics`;
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** The value of the one sample of `name` whose labels include every `labels` pair. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
	const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
	const line = text.split('\n').find(candidate => (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) && wanted.every(pair => candidate.includes(pair)));
	return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('xdptop --listen', () => {
	let lab: VethLab;
	beforeEach(() => {
		lab = new VethLab();
	});
	afterEach(() => lab.remove());

	function start(args: readonly string[]) {
		const child = spawn('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, ...args], {stdio: ['ignore', 'pipe', 'pipe']}) as unknown as ChildProcessWithoutNullStreams;
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit') as Promise<[number | null]>;
		const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
		void exited.finally(() => clearTimeout(killer));
		const serving = async () => {
			const deadline = Date.now() + 10_000;
			while (!stderr.includes('serving Prometheus metrics') && Date.now() < deadline && child.exitCode === null) {
				await sleep(20);
			}
			assert.match(stderr, new RegExp(`^xdptop: serving Prometheus metrics on http://127.0.0.1:${PORT}/metrics\\n$`));
		};
		return {child, exited, stderr: () => stderr, serving};
	}

	test('counters as the kernel counts them, in both formats; promtool passes the scrape; detached at SIGTERM', async () => {
		const hostile = 'x"y\\z';
		lab.ip('link', 'add', hostile, 'type', 'veth', 'peer', 'name', 'xq1');
		const {child, exited, stderr, serving} = start(['--listen', String(PORT), '-n', '0.2', '--attach', 'skb', '-i', lab.localIf, '-i', hostile.replace('\\', '\\\\')]);
		await serving();
		assert.equal(lab.ipLinkXdp()?.mode, 2);
		const before = fetchIn(lab.local, URL_);
		const rxBefore = valueOf(before.body, 'xdptop_network_receive_packets_total', {interface: lab.localIf});
		assert.ok(rxBefore !== undefined, before.body);
		const sent = 1000;
		lab.send(sent);
		await sleep(600); // Past the next sample.
		const after = fetchIn(lab.local, URL_);
		assert.equal(after.status, 200);
		assert.equal(after.contentType, 'text/plain; version=0.0.4; charset=utf-8');
		const text = after.body;
		assert.equal(valueOf(text, 'xdptop_network_receive_packets_total', {interface: lab.localIf})! - rxBefore, sent);
		assert.equal(valueOf(text, 'xdptop_xdp_packets_total', {interface: lab.localIf, protocol: 'ipv4_udp'}), sent, 'counted since attached: only what was sent');
		assert.equal(valueOf(text, 'xdptop_xdp_bytes_total', {interface: lab.localIf, protocol: 'ipv4_udp'}), sent * 60);
		assert.equal(valueOf(text, 'xdptop_xdp_packets_total', {interface: lab.localIf, protocol: 'ipv6_udp'}), 0);
		assert.equal(valueOf(text, 'xdptop_xdp_attachment_info', {interface: lab.localIf, mode: 'skb', prog_name: 'xdptop_stats', owner: 'xdptop', attach_type: 'link'}), 1);
		assert.equal(valueOf(text, 'xdptop_xdp_exceptions_total', {interface: lab.localIf, action: 'aborted'}), 0);
		// The hostile name: escaped for the format, and as -i takes it.
		assert.equal(valueOf(text, 'xdptop_interface_info', {interface: 'x\\"y\\\\\\\\z', driver: 'veth'}), 1, text);
		const lint = spawnSync(PROMTOOL, ['check', 'metrics'], {input: text, encoding: 'utf8'});
		assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
		assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '');
		const open = fetchIn(lab.local, URL_, PROMETHEUS_ACCEPT);
		assert.equal(open.contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
		assert.match(open.body, /# TYPE xdptop_network_receive_packets counter\n/);
		assert.match(open.body, /# EOF\n$/);
		assert.equal(fetchIn(lab.local, `http://127.0.0.1:${PORT}/nothing`).status, 404);
		child.kill('SIGTERM');
		const [code] = await exited;
		assert.equal(code, 0, stderr());
		assert.equal(stderr(), `xdptop: serving Prometheus metrics on http://127.0.0.1:${PORT}/metrics\nxdptop: detached xdptop_stats from ${lab.localIf}, x"y\\\\z\n`);
		assert.equal(lab.ipLinkXdp(), undefined);
		assert.equal(lab.ipLinkXdp(hostile), undefined);
	});

	test('200 stalled clients (more than the server keeps) stall neither sampling nor scrapes', async () => {
		const {child, exited, serving} = start(['--listen', String(PORT), '-n', '0.2']);
		await serving();
		const stalled = await stallingClients(lab.local, PORT, 200);
		try {
			const sampleTime = () => {
				const answer = fetchIn(lab.local, URL_);
				assert.equal(answer.status, 200);
				assert.ok(answer.ms < 2000, `answered in ${answer.ms} ms`);
				return valueOf(answer.body, 'xdptop_last_sample_timestamp_seconds', {})!;
			};
			const first = sampleTime();
			await sleep(1000);
			const second = sampleTime();
			assert.ok(second - first >= 0.6, `sampling went on: ${first} -> ${second}`);
		} finally {
			stalled.kill();
		}
		child.kill('SIGTERM');
		assert.deepEqual(await exited, [0, null]);
	});

	test('a malformed request gets 400, an oversized one 431, and the server goes on', async () => {
		const {child, exited, serving} = start(['--listen', String(PORT), '-n', '0.2']);
		await serving();
		assert.match(rawRequest(lab.local, PORT, 'BLAH\r\n\r\n'), /^HTTP\/1.1 400 Bad Request\r\n/);
		assert.match(rawRequest(lab.local, PORT, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`), /^HTTP\/1.1 431 /);
		assert.equal(fetchIn(lab.local, URL_).status, 200);
		child.kill('SIGTERM');
		assert.deepEqual(await exited, [0, null]);
	});

	test('with -b: prints the samples and serves them, headless, until -c is reached', async () => {
		const {child, exited, stderr, serving} = start(['--listen', String(PORT), '-b', '--json', '-c', '3', '-n', '0.3', '-i', lab.localIf]);
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		await serving();
		const scrape = fetchIn(lab.local, URL_);
		assert.match(scrape.body, new RegExp(`xdptop_interface_info\\{interface="${lab.localIf}",`));
		const [code] = await exited;
		assert.equal(code, 0, stderr());
		const lines = stdout.trim().split('\n').map(line => JSON.parse(line) as {interfaces: Array<{name: string}>});
		assert.equal(lines.length, 3);
		assert.deepEqual(lines.map(line => line.interfaces.map(entry => entry.name)), [[lab.localIf], [lab.localIf], [lab.localIf]]);
	});

	test('a port in use: one line, exit 1, nothing attached', async () => {
		const first = start(['--listen', String(PORT), '-n', '0.2']);
		await first.serving();
		const second = spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '--listen', String(PORT), '--attach', 'skb', '-i', lab.localIf], {encoding: 'utf8', timeout: 20_000});
		assert.equal(second.status, 1);
		assert.equal(second.stderr, `xdptop: --listen: 127.0.0.1:${PORT} is in use (another exporter, or another xdptop?): choose another port\n`);
		assert.equal(lab.ipLinkXdp(), undefined);
		first.child.kill('SIGTERM');
		await first.exited;
	});

	test('an address this host does not have: one line, exit 2', () => {
		const result = spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '--listen', '192.0.2.77:9435', '--attach', 'skb', '-i', lab.localIf], {encoding: 'utf8', timeout: 20_000});
		assert.equal(result.status, 2);
		assert.equal(result.stderr, 'xdptop: --listen: 192.0.2.77 is not an address of this host: use one that ip address shows, or leave it out for 127.0.0.1\n');
		assert.equal(lab.ipLinkXdp(), undefined);
	});
});
