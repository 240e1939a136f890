import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseInterval, parseNetns, resolveCommand, resolveNetns, UsageError, type RawFlags} from '../source/options.js';

const none: RawFlags = {
	interface: [],
	interval: undefined,
	json: false,
	once: false,
	attach: undefined,
	mode: undefined,
	keep: false,
	color: true,
	ascii: false,
	demo: false,
	cleanup: false,
	bpfStats: false,
	batch: false,
	count: undefined,
	listen: undefined,
	allNamespaces: false,
	netns: undefined,
};

test('no arguments is the monitor with defaults', () => {
	assert.deepEqual(resolveCommand([], none), {
		kind: 'monitor',
		intervalSeconds: 1,
		mode: 'drv',
		keep: false,
		color: true,
		ascii: false,
		demo: false,
		allNamespaces: false,
		interfaces: [],
	});
});

test('list and --once', () => {
	assert.deepEqual(resolveCommand(['list'], {...none, json: true, interface: ['eth0']}), {
		kind: 'list',
		json: true,
		allNamespaces: false,
		interfaces: ['eth0'],
	});
	assert.equal((resolveCommand(['list'], {...none, allNamespaces: true}) as {allNamespaces: boolean}).allNamespaces, true);
	assert.deepEqual(resolveCommand([], {...none, once: true, interval: '0.5', attach: 'skb', interface: ['veth0']}), {
		kind: 'once',
		json: false,
		intervalSeconds: 0.5,
		attach: 'skb',
		keep: false,
		bpfStats: false,
		interfaces: ['veth0'],
	});
	assert.equal((resolveCommand([], {...none, once: true, bpfStats: true}) as {bpfStats: boolean}).bpfStats, true);
});

test('-b and --listen: one stream command, loopback unless an address is named', () => {
	assert.deepEqual(resolveCommand([], {...none, batch: true, json: true, count: '3', interval: '0.5', attach: 'skb', interface: ['veth0']}), {
		kind: 'stream',
		batch: {json: true, count: 3},
		listen: undefined,
		intervalSeconds: 0.5,
		attach: 'skb',
		keep: false,
		bpfStats: false,
		interfaces: ['veth0'],
	});
	const listening = (listen: string) => (resolveCommand([], {...none, listen}) as {listen: unknown}).listen;
	assert.deepEqual(listening('9435'), {host: '127.0.0.1', port: 9435, display: '127.0.0.1:9435'});
	assert.deepEqual(listening(':9435'), {host: '127.0.0.1', port: 9435, display: '127.0.0.1:9435'});
	assert.deepEqual(listening('localhost:1'), {host: '127.0.0.1', port: 1, display: '127.0.0.1:1'});
	assert.deepEqual(listening('0.0.0.0:65535'), {host: '0.0.0.0', port: 65_535, display: '0.0.0.0:65535'});
	assert.deepEqual(listening('[::1]:9435'), {host: '::1', port: 9435, display: '[::1]:9435'});
	assert.deepEqual(listening('[fe80::1%lo]:9435'), {host: 'fe80::1%lo', port: 9435, display: '[fe80::1%lo]:9435'});
	const both = resolveCommand([], {...none, batch: true, listen: '10.0.0.1:9100', bpfStats: true}) as {batch: unknown; listen: unknown; bpfStats: boolean};
	assert.deepEqual(both.batch, {json: false, count: undefined});
	assert.deepEqual(both.listen, {host: '10.0.0.1', port: 9100, display: '10.0.0.1:9100'});
	assert.equal(both.bpfStats, true);
});

test('interval bounds are 0.1 and 60 seconds', () => {
	assert.equal(parseInterval('0.1'), 0.1);
	assert.equal(parseInterval('60'), 60);
	assert.equal(parseInterval('.5'), 0.5);
	for (const bad of ['0', '0.09', '60.1', '-1', 'abc', '1s', '', '1e1', 'Infinity', 'NaN']) {
		assert.throws(() => parseInterval(bad), UsageError, bad);
	}
});

const rejected: Array<[string, readonly string[], Partial<RawFlags>, RegExp]> = [
	['unknown command', ['show'], {}, /unknown command 'show'/],
	['extra arguments', ['list', 'eth0'], {}, /unknown command/],
	['bad attach mode', [], {once: true, attach: 'native', interface: ['x']}, /--attach takes drv, skb or hw, not 'native'/],
	['bad monitor mode', [], {mode: 'offload'}, /--mode takes drv, skb or hw/],
	['--attach without -i', [], {once: true, attach: 'drv'}, /--attach needs the interfaces/],
	['--keep without --attach in --once', [], {once: true, keep: true}, /--keep goes with --attach/],
	['--bpf-stats with list', ['list'], {bpfStats: true}, /^--bpf-stats does not apply to list$/],
	['--bpf-stats with the monitor', [], {bpfStats: true}, /^--bpf-stats does not apply to the monitor$/],
	['--interval with list', ['list'], {interval: '2'}, /--interval does not apply to list/],
	['--attach with the monitor', [], {attach: 'drv'}, /--attach does not apply to the monitor/],
	['--json with the monitor', [], {json: true}, /--json does not apply/],
	['--no-color with list', ['list'], {color: false}, /--no-color does not apply to list/],
	['empty interface name', ['list'], {interface: ['']}, /--interface needs an interface name/],
	['--cleanup with list', ['list'], {cleanup: true}, /--cleanup does not go with list/],
	['--cleanup with -i', [], {cleanup: true, interface: ['eth0']}, /--interface does not apply to --cleanup/],
	['-c without -b', [], {count: '3'}, /^--count goes with -b/],
	['-c with --once', [], {once: true, count: '3'}, /^--count goes with -b/],
	['-c with --listen alone', [], {listen: '9435', count: '3'}, /^--count goes with -b/],
	['-c 0', [], {batch: true, count: '0'}, /--count takes a whole number of samples from 1, not '0'/],
	['-c 1.5', [], {batch: true, count: '1.5'}, /not '1.5'/],
	['-c -1', [], {batch: true, count: '-1'}, /not '-1'/],
	['-b with --once', [], {once: true, batch: true}, /^--batch does not apply to --once$/],
	['--listen with --once', [], {once: true, listen: '9435'}, /^--listen does not apply to --once$/],
	['--listen with list', ['list'], {listen: '9435'}, /^--listen does not apply to list$/],
	['-b with list', ['list'], {batch: true}, /^--batch does not apply to list$/],
	['--json with --listen alone', [], {json: true, listen: '9435'}, /^--json goes with list, --once or -b/],
	['--mode with -b', [], {batch: true, mode: 'skb'}, /^--mode does not apply to -b$/],
	['--demo with --listen', [], {listen: '9435', demo: true}, /^--demo does not apply to --listen$/],
	['-b --attach without -i', [], {batch: true, attach: 'skb'}, /--attach needs the interfaces/],
	['--listen without a port', [], {listen: '127.0.0.1'}, /--listen takes \[ADDRESS:\]PORT .*'127.0.0.1' has no port/],
	['--listen port 0', [], {listen: '0'}, /has no port from 1 to 65535/],
	['--listen port 65536', [], {listen: ':65536'}, /has no port from 1 to 65535/],
	['--listen a host name', [], {listen: 'example.com:9435'}, /'example.com' is not an IPv4 address \(names are not looked up\)/],
	['--listen 256.1.1.1', [], {listen: '256.1.1.1:9435'}, /is not an IPv4 address/],
	['--listen [x]', [], {listen: '[zz]:9435'}, /'zz' is not an IPv6 address/],
	['--listen with a path', [], {listen: '127.0.0.1:9435/metrics'}, /has no port/],
	['--listen [:]', [], {listen: '[:]:9435'}, /':' is not an IPv6 address/],
	['--listen [::1::]', [], {listen: '[::1::]:9435'}, /is not an IPv6 address/],
	['--listen nine groups', [], {listen: '[1:2:3:4:5:6:7:8:9]:9435'}, /is not an IPv6 address/],
	['--listen 01.2.3.4', [], {listen: '01.2.3.4:9435'}, /is not an IPv4 address/],
];

for (const [name, input, flags, message] of rejected) {
	test(`refused: ${name}`, () => {
		assert.throws(() => resolveCommand(input, {...none, ...flags}), (error: unknown) => {
			assert.ok(error instanceof UsageError);
			assert.match(error.message, message);
			assert.doesNotMatch(error.message, /\n/, 'one line');
			return true;
		});
	});
}

test('--netns: a name under /run/netns or a PID, and what it does not go with', () => {
	assert.deepEqual(parseNetns('blue'), {kind: 'name', name: 'blue'});
	assert.deepEqual(parseNetns('1234'), {kind: 'pid', pid: 1234});
	for (const bad of ['', '.', '..', 'a/b', '../x', '0', '99999999', 'x'.repeat(256)]) {
		assert.throws(() => parseNetns(bad), UsageError, bad);
	}
	const resolve = (flags: Partial<RawFlags>, input: string[] = []) => resolveNetns({...none, ...flags}, resolveCommand(input, {...none, ...flags}));
	assert.equal(resolve({}), undefined);
	assert.deepEqual(resolve({netns: 'blue'}, ['list']), {kind: 'name', name: 'blue'});
	assert.deepEqual(resolve({netns: '42', batch: true}), {kind: 'pid', pid: 42});
	assert.throws(() => resolve({netns: 'blue', allNamespaces: true}, ['list']), /--netns picks one namespace and -A shows them all/);
	assert.throws(() => resolve({netns: 'blue', demo: true}), /--netns does not go with --demo, which makes namespaces of its own/);
	// Pins name their namespace by its cookie: --keep and --cleanup act in the one chosen.
	assert.deepEqual(resolve({netns: 'blue', once: true, attach: 'skb', keep: true, interface: ['x']}), {kind: 'name', name: 'blue'});
	assert.deepEqual(resolve({netns: 'blue', keep: true}), {kind: 'name', name: 'blue'});
	assert.deepEqual(resolve({netns: '42', cleanup: true}), {kind: 'pid', pid: 42});
	assert.equal((resolveCommand([], {...none, allNamespaces: true}) as {allNamespaces: boolean}).allNamespaces, true, '-A: the monitor of every namespace');
	assert.throws(() => resolveCommand([], {...none, allNamespaces: true, demo: true}), /--all-namespaces does not apply to --demo/);
	assert.throws(() => resolveCommand([], {...none, allNamespaces: true, batch: true}), /--all-namespaces does not apply to -b/);
});
