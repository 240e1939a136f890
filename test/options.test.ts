import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseInterval, resolveCommand, UsageError, type RawFlags} from '../source/options.js';

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
		interfaces: [],
	});
});

test('list and --once', () => {
	assert.deepEqual(resolveCommand(['list'], {...none, json: true, interface: ['eth0']}), {
		kind: 'list',
		json: true,
		interfaces: ['eth0'],
	});
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
