/** `make bench`: every figure with its anchor, measured side by side in one run. */
import {markdown, missed, writeJson} from './report.js';
import {measureContention, measurePacketPath} from './packet-path.js';

const sections = new Set((process.env['BENCH_SECTIONS'] ?? '1,2,3,4').split(','));
const started = Date.now();
process.stdout.write('xdptop benchmarks (medians; ratios are against anchors measured in this same run)\n');
if (sections.has('1')) {
	measurePacketPath();
	await measureContention();
}
process.stdout.write(`\nMarkdown (for the README):\n\n${markdown()}\n`);
const json = process.env['BENCH_JSON'];
if (json) {
	writeJson(json);
}
const misses = missed();
process.stdout.write(`\n${misses.length === 0 ? 'every target met' : `${misses.length} target(s) missed: ${misses.map(figure => figure.metric).join(', ')}`} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
