/**
 * Section 5: the cost of `xdptop --listen` (a sample a second) with 20 and 500 interfaces in a
 * bench namespace: its CPU over 30 s scraped as often as Prometheus does by default (every 15 s),
 * and over 30 s scraped every second; then the latency of 1,000 scrapes in a row (a keep-alive
 * client inside the namespace, asking for OpenMetrics as Prometheus does).
 */
import {execFileSync, spawn} from 'node:child_process';
import {once} from 'node:events';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {deleteNamespaces} from '../source/demo/namespaces.js';
import {median, record} from './report.js';
import {cpuTicks, residentMb} from './terminal.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const PORT = 9435;
const WINDOW_SECONDS = 30;
const WARMUP_SECONDS = 3;
const CLK_TCK = 100;
const SCRAPES = 1000;
const ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/**
 * Scrapes `count` times, one after another (or one a second, with `everyMs`), and prints as JSON the
 * latencies in ms and, one a second, each answer's xdptop_last_sample_duration_seconds (scrapes in
 * a row only count bytes, so that the client's own work stays out of the latencies that follow).
 */
const SCRAPER = `
import {Agent, get} from 'node:http';
const [port, count, everyMs, accept] = process.argv.slice(1);
const paced = Number(everyMs) > 0;
const agent = new Agent({keepAlive: true, maxSockets: 1});
const samples = [];
const scrape = () => new Promise((resolve, reject) => {
	const started = performance.now();
	get({host: '127.0.0.1', port: Number(port), path: '/metrics', agent, headers: {accept}}, response => {
		let bytes = 0;
		const chunks = [];
		response.on('data', chunk => {
			bytes += chunk.length;
			if (paced) chunks.push(chunk);
		});
		response.on('end', () => {
			const latency = performance.now() - started;
			if (response.statusCode !== 200 || bytes === 0) {
				reject(new Error('status ' + response.statusCode));
				return;
			}
			const sample = paced && /^xdptop_last_sample_duration_seconds ([\\d.e+-]+)$/m.exec(Buffer.concat(chunks).toString());
			if (sample) samples.push(Number(sample[1]));
			resolve(latency);
		});
	}).on('error', reject);
});
const latencies = [];
for (let index = 0; index < Number(count); index++) {
	latencies.push(await scrape());
	if (paced) await new Promise(resolve => setTimeout(resolve, Number(everyMs)));
}
process.stdout.write(JSON.stringify({latencies, samples}));
agent.destroy();
`;

function percentile(values: readonly number[], fraction: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function scraper(namespace: string, count: number, everyMs: number) {
	return spawn('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, '--input-type=module', '-e', SCRAPER, String(PORT), String(count), String(everyMs), ACCEPT], {stdio: ['ignore', 'pipe', 'inherit']});
}

interface Scraped {
	readonly latencies: number[];
	/** xdptop_last_sample_duration_seconds of each answer. */
	readonly samples: number[];
}

async function scraped(child: ReturnType<typeof scraper>): Promise<Scraped> {
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	const [code] = (await once(child, 'exit')) as [number | null];
	if (code !== 0) {
		throw new Error(`the scraper failed (exit ${code})`);
	}
	return JSON.parse(stdout) as Scraped;
}

async function measureAt(interfaces: number): Promise<void> {
	const namespace = `xdptop-bench-${process.pid}-x${interfaces}`;
	execFileSync('ip', ['netns', 'add', namespace]);
	const exporter = {pid: 0, kill: () => undefined as unknown};
	try {
		const lines = ['link set lo up'];
		for (let index = 0; index < interfaces / 2; index++) {
			lines.push(`link add xa${index} type veth peer name xb${index}`, `link set xa${index} up`, `link set xb${index} up`);
		}
		execFileSync('ip', ['-n', namespace, '-batch', '-'], {input: `${lines.join('\n')}\n`});
		// The launcher, as installed: its shebang carries the V8 flags xdptop runs with.
		const child = spawn('nsenter', [`--net=/run/netns/${namespace}`, CLI, '--listen', String(PORT)], {stdio: ['ignore', 'ignore', 'pipe']});
		exporter.pid = child.pid!;
		exporter.kill = () => child.kill('SIGTERM');
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const deadline = Date.now() + 20_000;
		while (!stderr.includes('serving')) {
			if (Date.now() > deadline || child.exitCode !== null) {
				throw new Error(`xdptop --listen did not start: ${stderr}`);
			}
			await sleep(20);
		}
		await sleep(WARMUP_SECONDS * 1000);
		// A sample a second in both windows; scrapes as often as Prometheus's default, then every second.
		const cpuPercent = async (everyMs: number) => {
			const paced = scraper(namespace, Math.ceil((WINDOW_SECONDS * 1000) / everyMs), everyMs);
			const before = {cpu: cpuTicks(child.pid!), at: performance.now()};
			await sleep(WINDOW_SECONDS * 1000);
			const after = {cpu: cpuTicks(child.pid!), at: performance.now()};
			const {samples} = await scraped(paced);
			return {cpu: ((after.cpu - before.cpu) / CLK_TCK / ((after.at - before.at) / 1000)) * 100, samples};
		};
		const usual = (await cpuPercent(15_000)).cpu;
		// The scrapes a second apart each see another sample: its duration's median.
		const {cpu: busy, samples} = await cpuPercent(1000);
		if (samples.length === 0) {
			throw new Error('no answer of the exporter had xdptop_last_sample_duration_seconds');
		}
		const rss = residentMb(child.pid!);
		const scrapes = (await scraped(scraper(namespace, SCRAPES, 0))).latencies;
		const goal = interfaces <= 20;
		record({metric: `exporter, ${interfaces} interfaces: CPU, scraped every 15 s`, value: usual, unit: '%', ...(goal ? {target: '<= 0.5 %', met: usual <= 0.5} : {})});
		record({metric: `exporter, ${interfaces} interfaces: CPU, scraped every 1 s`, value: busy, unit: '%'});
		record({metric: `exporter, ${interfaces} interfaces: RSS`, value: rss, unit: 'MB'});
		record({metric: `exporter, ${interfaces} interfaces: sample, median of ${samples.length}`, value: median(samples) * 1000, unit: 'ms'});
		record({metric: `exporter, ${interfaces} interfaces: scrape p50`, value: percentile(scrapes, 0.5), unit: 'ms'});
		const p99 = percentile(scrapes, 0.99);
		record({metric: `exporter, ${interfaces} interfaces: scrape p99`, value: p99, unit: 'ms', target: '<= 5 ms', met: p99 <= 5});
	} finally {
		exporter.kill();
		await sleep(300);
		deleteNamespaces([namespace]);
	}
}

export async function measureExporter(): Promise<void> {
	await measureAt(20);
	await measureAt(500);
}
