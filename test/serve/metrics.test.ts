/** The exporter's pure parts: format negotiation, the families of a sample, and their text through prom-client. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {type Round, type SampledInterface} from '../../source/commands/stream-sampler.js';
import {EXCEPTION_LABELS} from '../../source/model/exceptions.js';
import {type XdpAttachment} from '../../source/model/xdp.js';
import {buildFamilies, ExceptionTotals, METRICS, PROTOCOL_LABELS} from '../../source/serve/families.js';
import {negotiateFormat} from '../../source/serve/negotiate.js';
import {MetricsText} from '../../source/serve/registries.js';

test('negotiation: OpenMetrics only when the client prefers it', () => {
	const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
	assert.equal(negotiateFormat(prometheus), 'openmetrics');
	assert.equal(negotiateFormat(undefined), 'prometheus');
	assert.equal(negotiateFormat('*/*'), 'prometheus');
	assert.equal(negotiateFormat('text/plain'), 'prometheus');
	assert.equal(negotiateFormat('text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5'), 'prometheus');
	assert.equal(negotiateFormat('application/openmetrics-text; version=1.0.0'), 'openmetrics');
	assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus');
	assert.equal(negotiateFormat('Application/OpenMetrics-Text'), 'openmetrics');
	assert.equal(negotiateFormat('garbage;;;,'), 'prometheus');
});

const ours: XdpAttachment = {mode: 'skb', progId: 41, progName: 'xdptop_stats', tag: '0123456789abcdef', ours: true, via: 'link', linkId: 7};
const foreign: XdpAttachment = {mode: 'drv', progId: 42, progName: 'fw"x\\y', tag: 'fedcba9876543210', ours: false, via: 'netlink'};

function entry(name: string, ifindex: number, attachments: XdpAttachment[], rx: bigint, extra: Partial<SampledInterface['sampled']['sample']> = {}, failed?: bigint[]): SampledInterface {
	return {
		status: {name, ifindex, state: 'up', mtu: 1500, mac: '', driver: 'veth', xdpPrograms: [], xdp: {attachMode: attachments[0]?.mode ?? 'none', attachments} as SampledInterface['status']['xdp']},
		sampled: {sample: {atMs: 0, kernel: {rxPackets: rx, rxBytes: rx * 60n, rxDropped: 3n}, ...extra}, driver: undefined, runs: new Map([[42, {count: 1000n, timeNs: 2_500_000_000n}]])},
		exceptions: failed && {packets: failed.reduce((a, b) => a + b, 0n), pps: 0, byAction: failed.map((packets, action) => ({label: EXCEPTION_LABELS[action]!, packets, pps: 0}))},
	};
}

function round(interfaces: SampledInterface[]): Round {
	return {atMs: 0, time: new Date(1_700_000_000_000), interfaces, exceptionsUnavailable: undefined};
}

const protos = PROTOCOL_LABELS.map((_, index) => ({packets: BigInt(index * 10), bytes: BigInt(index * 600)}));

test('families: kernel totals, attachments, our classes, driver verdicts, exceptions summed over samples', () => {
	const totals = new ExceptionTotals();
	const first = round([
		entry('veth0', 2, [ours], 100n, {xdp: {actions: [], protos}}, [1n, 0n, 0n, 0n, 2n, 0n]),
		entry('fw0', 3, [foreign], 5n, {driver: {packets: 9n, verdicts: {ABORTED: 0n, DROP: 4n, PASS: 5n, TX: undefined, REDIRECT: undefined}, errors: undefined}}, [0n, 0n, 0n, 0n, 0n, 0n]),
		entry('idle0', 4, [], 0n),
	]);
	totals.add(first);
	const second = round([...first.interfaces.slice(0, 2).map((item, index) => (index === 0 ? {...item, exceptions: entry('veth0', 2, [ours], 0n, {}, [3n, 0n, 0n, 0n, 0n, 1n]).exceptions} : item))]);
	totals.add(second);
	const families = buildFamilies(second, 0.002, totals, '9.9.9');
	assert.deepEqual(families.rxPackets, [
		{labels: {interface: 'veth0', ifindex: '2'}, value: 100},
		{labels: {interface: 'fw0', ifindex: '3'}, value: 5},
	]);
	assert.deepEqual(families.rxDropped.map(sample => sample.value), [3, 3]);
	assert.deepEqual(families.attachment.map(sample => sample.labels), [
		{interface: 'veth0', ifindex: '2', mode: 'skb', prog_id: '41', prog_name: 'xdptop_stats', prog_tag: '0123456789abcdef', owner: 'xdptop', attach_type: 'link'},
		{interface: 'fw0', ifindex: '3', mode: 'drv', prog_id: '42', prog_name: 'fw"x\\y', prog_tag: 'fedcba9876543210', owner: 'foreign', attach_type: 'netlink'},
	]);
	assert.equal(families.xdpPackets.length, PROTOCOL_LABELS.length);
	assert.deepEqual(families.xdpPackets[1], {labels: {interface: 'veth0', ifindex: '2', protocol: 'ipv4_udp'}, value: 10});
	assert.deepEqual(families.xdpBytes[10], {labels: {interface: 'veth0', ifindex: '2', protocol: 'malformed'}, value: 6000});
	// Only the verdicts the driver has a source for.
	assert.deepEqual(families.driverVerdicts.map(sample => [sample.labels['verdict'], sample.value]), [['ABORTED', 0], ['DROP', 4], ['PASS', 5]]);
	// 1 + 3 aborted, 2 failed redirects, 1 invalid action; the interface with no program has none.
	assert.deepEqual(
		families.exceptions.filter(sample => sample.labels['interface'] === 'veth0').map(sample => [sample.labels['action'], sample.value]),
		[['aborted', 4], ['drop', 0], ['pass_failed', 0], ['tx_failed', 0], ['redirect_failed', 2], ['invalid_action', 1]],
	);
	assert.equal(families.exceptions.filter(sample => sample.labels['interface'] === 'fw0').length, 6);
	// Run-time stats of each program once, in seconds.
	assert.deepEqual(families.runSeconds, [{labels: {prog_id: '42', prog_name: 'fw"x\\y', prog_tag: 'fedcba9876543210'}, value: 2.5}]);
	assert.deepEqual(families.build, [{labels: {version: '9.9.9'}, value: 1}]);
	assert.deepEqual(families.sampleTime, [{labels: {}, value: 1_700_000_000}]);
	// An interface gone from a sample takes its exception totals with it.
	totals.add(round([entry('idle0', 4, [], 0n)]));
	assert.equal(totals.of(2, 'veth0'), undefined);
});

test('text: hostile names escaped, non-UTF-8 bytes kept, counters named with _total in both formats', async () => {
	const hostile = 'a"b\\c\nd\u001B[2J';
	const notUtf8 = 'w\udcff';
	const metrics = new MetricsText();
	metrics.update(buildFamilies(round([entry(hostile, 5, [ours], 7n), entry(notUtf8, 6, [], 8n)]), 0, new ExceptionTotals(), '1.0.0'));
	const text = (await metrics.render('prometheus')).toString();
	// escapeControl makes the name printable and reversible; prom-client escapes \ and " for the format.
	assert.ok(text.includes('xdptop_network_receive_packets_total{interface="a\\"b\\\\\\\\c\\\\x0ad\\\\x1b[2J",ifindex="5"} 7'), text);
	assert.ok(text.includes('xdptop_network_receive_packets_total{interface="w\\\\xff",ifindex="6"} 8'), text);
	assert.doesNotMatch(text, /[\u0000-\u0009\u000B-\u001F]/, 'no control byte but newlines');
	for (const line of text.split('\n').filter(line => line && !line.startsWith('#'))) {
		assert.match(line, /^[a-z_]+(\{.*\})? -?[\d.e+-]+$/, line);
	}
	const open = (await metrics.render('openmetrics')).toString();
	assert.match(open, /# TYPE xdptop_network_receive_packets counter\nxdptop_network_receive_packets_total\{/);
	assert.match(open, /# EOF\n$/);
	// Rendering OpenMetrics renames its own counters only: the text format still says _total.
	assert.match((await metrics.render('prometheus')).toString(), /# TYPE xdptop_network_receive_packets_total counter/);
	for (const {name} of Object.values(METRICS)) {
		assert.match(text, new RegExp(`# TYPE ${name} `), name);
	}
});

test('a scrape between two samples is the same text; a new sample renders again', async () => {
	const metrics = new MetricsText();
	metrics.update(buildFamilies(round([entry('veth0', 2, [], 1n)]), 0, new ExceptionTotals(), '1'));
	const first = metrics.render('prometheus');
	assert.equal(metrics.render('prometheus'), first, 'the same promise: rendered once');
	metrics.update(buildFamilies(round([entry('veth0', 2, [], 2n)]), 0, new ExceptionTotals(), '1'));
	assert.match((await metrics.render('prometheus')).toString(), /receive_packets_total\{interface="veth0",ifindex="2"\} 2\n/);
	assert.match((await first).toString(), /receive_packets_total\{interface="veth0",ifindex="2"\} 1\n/);
});

test('replies: 503 before the first sample, then the sample; HEAD without a body; 404 and 405', async () => {
	const {reply} = await import('../../source/serve/http.js');
	const metrics = new MetricsText();
	const early = await reply(metrics, 'GET', '/metrics', undefined);
	assert.equal(early.status, 503);
	assert.equal(early.headers['Retry-After'], '1');
	metrics.update(buildFamilies(round([entry('veth0', 2, [], 5n)]), 0, new ExceptionTotals(), '1'));
	const got = await reply(metrics, 'GET', '/metrics?x=1', 'application/openmetrics-text');
	assert.equal(got.status, 200);
	assert.equal(got.headers['Content-Type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
	assert.equal(got.headers['Content-Length'], (got.body as Buffer).length);
	assert.match(String(got.body), /xdptop_network_receive_packets_total\{interface="veth0",ifindex="2"\} 5\n/);
	const head = await reply(metrics, 'HEAD', '/metrics', undefined);
	assert.equal(head.status, 200);
	assert.equal(head.body, undefined);
	assert.ok(Number(head.headers['Content-Length']) > 0);
	assert.equal((await reply(metrics, 'GET', '/metrics/', undefined)).status, 404);
	assert.equal((await reply(metrics, 'POST', '/metrics', undefined)).status, 405);
	assert.equal((await reply(metrics, 'GET', '/', undefined)).status, 200);
});
