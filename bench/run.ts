/** `make bench`: every figure with its anchor, measured side by side in one run. */
import {markdown, missed, writeJson} from './report.js';
import {measureContention, measurePacketPath} from './packet-path.js';
import {runChild, runInNamespace} from './namespace.js';
import {createVethPair, deleteNamespaces} from '../source/demo/namespaces.js';
import {section} from './report.js';
import {measureTerminal} from './terminal.js';
import {measureExporter} from './exporter.js';
import {measureNamespaces} from './namespaces.js';
import {untilQuiet} from './quiet.js';
import {fileURLToPath} from 'node:url';
import {execFileSync} from 'node:child_process';
import {constants} from 'node:os';

const sections = new Set((process.env['BENCH_SECTIONS'] ?? '1,2,3,4,5,6').split(','));
const started = Date.now();
process.stdout.write('xdptop benchmarks (medians; ratios are against anchors measured in this same run)\n');
if (sections.has('1')) {
	measurePacketPath();
	await measureContention();
}
if (sections.has('2')) {
	section('2. Cost on real traffic (veth pair between bench namespaces, one stream of 64 B frames from trafgen, the setups taking turns on it: 84 rounds, each in a rotated order, a 0.3 s window each)');
	await untilQuiet();
	const spec = {local: `xdptop-bench-${process.pid}-a`, peer: `xdptop-bench-${process.pid}-b`, localIf: 'bench0', peerIf: 'bench1', quiet: true};
	createVethPair(spec);
	// A Ctrl-C reaches the section's child too, which stops its stream; exiting on a signal skips
	// the `finally`, so the namespaces are deleted here.
	const onSignal = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => {
		deleteNamespaces([spec.local, spec.peer]);
		process.exit(128 + constants.signals[signal]);
	};
	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
	signals.forEach(signal => process.once(signal, onSignal));
	try {
		await runInNamespace(spec.local, 'traffic.ts', [spec.peer, spec.localIf, spec.peerIf]);
	} finally {
		signals.forEach(signal => process.off(signal, onSignal));
		deleteNamespaces([spec.local, spec.peer]);
	}
}
if (sections.has('3')) {
	section('3. Cost per tick in userspace (medians of 200 ticks after 1,000 warm-up ones, run with the V8 flags of xdptop, idle and with every interface receiving a frame before each tick; interfaces are veths in a bench namespace)');
	await untilQuiet();
	const namespace = `xdptop-bench-${process.pid}-t`;
	execFileSync('ip', ['netns', 'add', namespace]);
	try {
		await runInNamespace(namespace, 'tick.ts');
	} finally {
		deleteNamespaces([namespace]);
	}
}
if (sections.has('4')) {
	section('4. Cost on the terminal (tmux 120x40, 20 interfaces, 5 with traffic, a 30 s window after 3 s)');
	await untilQuiet();
	await measureTerminal();
	await runChild(process.execPath, [fileURLToPath(new URL('../build/bench/frames.mjs', import.meta.url))]);
}
if (sections.has('5')) {
	section('5. Cost of the exporter (xdptop --listen, a sample a second; CPU over 30 s scraped every 15 s, then every 1 s; then 1,000 scrapes in a row)');
	await untilQuiet();
	await measureExporter();
}
if (sections.has('6')) {
	section('6. Other network namespaces: one look (list\'s hint, the monitor\'s header; medians of 10), and the monitor\'s tick with -A (100 ticks; CPU from each thread\'s schedstat)');
	await untilQuiet();
	await measureNamespaces();
}
process.stdout.write(`\nMarkdown (for the README):\n\n${markdown()}\n`);
const json = process.env['BENCH_JSON'];
if (json) {
	writeJson(json);
}
const misses = missed();
process.stdout.write(`\n${misses.length === 0 ? 'every target met' : `${misses.length} target(s) missed: ${misses.map(figure => figure.metric).join(', ')}`} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
