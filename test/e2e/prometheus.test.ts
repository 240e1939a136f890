/**
 * xdptop --listen scraped by a real Prometheus (Debian's, unpacked into build/ by make test): both
 * servers run in the test's own namespace, on its loopback, and are stopped after, also on failure.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {fetchIn} from '../helpers/http.js';
import {linkStats, stopSending, udpFrame, VethLab} from '../helpers/netns.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const PROMETHEUS = fileURLToPath(new URL('../../build/prometheus/usr/bin/prometheus', import.meta.url));
const EXPORTER_PORT = 9435;
const PROMETHEUS_URL = 'http://127.0.0.1:9090';
/** The window rate() is taken over, and the traffic around it. */
const WINDOW_S = 15;

let lab: VethLab;
let scratch: string;
const children: ChildProcess[] = [];

function startIn(command: string, args: readonly string[]): ChildProcess {
	const child = spawn('nsenter', [`--net=/run/netns/${lab.local}`, command, ...args], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
	Object.defineProperty(child, 'stderrTail', {get: () => stderr});
	children.push(child);
	return child;
}

async function stop(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return child.exitCode;
	}
	const exited = once(child, 'exit') as Promise<[number | null]>;
	child.kill('SIGTERM');
	const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	const [code] = await exited;
	clearTimeout(killer);
	return code;
}

interface Vector {
	readonly status: string;
	readonly data: {readonly result: ReadonlyArray<{readonly metric: Record<string, string>; readonly value: [number, string]}>};
}

function query(promql: string, atSeconds?: number): Vector['data']['result'] {
	const parameters = new URLSearchParams({query: promql, ...(atSeconds === undefined ? {} : {time: String(atSeconds)})});
	const answer = fetchIn(lab.local, `${PROMETHEUS_URL}/api/v1/query?${parameters}`);
	assert.equal(answer.status, 200, answer.body);
	return (JSON.parse(answer.body) as Vector).data.result;
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
		await sleep(250);
	}
}

before(() => {
	lab = new VethLab();
	scratch = mkdtempSync(join(tmpdir(), 'xdptop-prometheus-'));
});

after(async () => {
	for (const child of children) {
		await stop(child);
	}
	lab.remove();
	rmSync(scratch, {recursive: true, force: true});
});

test('Prometheus scrapes xdptop: rate() over the counters matches the traffic sent, within 5 %', async () => {
	// A short interval: the sample a scrape gets is at most this old, so each rate is off by at most 0.25 / 15.
	const exporter = startIn(process.execPath, [CLI, '--listen', String(EXPORTER_PORT), '-n', '0.25', '--attach', 'skb', '-i', lab.localIf]);
	const config = join(scratch, 'prometheus.yml');
	writeFileSync(
		config,
		['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: xdptop', '    static_configs:', `      - targets: ['127.0.0.1:${EXPORTER_PORT}']`, ''].join('\n'),
	);
	const prometheus = startIn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(scratch, 'data')}`, '--web.listen-address=127.0.0.1:9090', '--log.level=warn']);
	const tail = (child: ChildProcess) => (child as ChildProcess & {stderrTail: string}).stderrTail;
	await until('Prometheus to be ready', () => {
		assert.equal(prometheus.exitCode, null, tail(prometheus));
		try {
			return fetchIn(lab.local, `${PROMETHEUS_URL}/-/ready`).status === 200;
		} catch {
			return false;
		}
	});
	await until('the xdptop target to be up', () => {
		assert.equal(exporter.exitCode, null, tail(exporter));
		return query('up{job="xdptop"}')[0]?.value[1] === '1';
	});
	// 2,000 frames/s at most: this lasts past the window whatever the pace, and ends by itself.
	const sender = lab.sendPaced([udpFrame()], 2000 * (WINDOW_S + 5), '500us');
	try {
		await sleep(2500);
		const first = {atMs: Date.now(), packets: linkStats(lab.local, lab.localIf).rxPackets};
		await sleep(WINDOW_S * 1000);
		const last = {atMs: Date.now(), packets: linkStats(lab.local, lab.localIf).rxPackets};
		assert.equal(sender.exitCode, null, 'the traffic lasted the whole window');
		const sentRate = (last.packets - first.packets) / ((last.atMs - first.atMs) / 1000);
		assert.ok(sentRate > 200, `traffic flowed: ${sentRate} pps`);
		await sleep(2000); // Scrapes up to the window's end are in.
		const at = last.atMs / 1000;
		const selector = `interface="${lab.localIf}"`;
		const rx = Number(query(`rate(xdptop_network_receive_packets_total{${selector}}[${WINDOW_S}s])`, at)[0]?.value[1]);
		const ours = Number(query(`sum(rate(xdptop_xdp_packets_total{${selector}}[${WINDOW_S}s]))`, at)[0]?.value[1]);
		const udp = Number(query(`rate(xdptop_xdp_packets_total{${selector},protocol="ipv4_udp"}[${WINDOW_S}s])`, at)[0]?.value[1]);
		for (const [name, rate] of [['rx', rx], ['xdp', ours], ['xdp ipv4_udp', udp]] as const) {
			assert.ok(Math.abs(rate / sentRate - 1) <= 0.05, `${name}: Prometheus says ${rate} pps, the kernel counted ${sentRate} pps`);
		}
		assert.equal(query(`xdptop_xdp_attachment_info{${selector},owner="xdptop",mode="skb"}`).length, 1);
	} finally {
		sender.kill('SIGKILL'); // trafgen finishes its count on SIGTERM with --gap.
		await stopSending(sender);
	}
	assert.equal(await stop(prometheus), 0, tail(prometheus));
	assert.equal(await stop(exporter), 0, tail(exporter));
	assert.equal(lab.ipLinkXdp(), undefined, 'xdptop detached at SIGTERM');
});
