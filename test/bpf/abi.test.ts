/** The TypeScript mirror must say what bpf/xdp_stats.h and bpf/xdp_exceptions.h say: parse them and compare. */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {
	COUNTERS_MAP,
	DATAREC_SIZE,
	EXCEPTION_INVALID_ACTION,
	EXCEPTION_KEY_SIZE,
	EXCEPTION_KEYS_MAX,
	EXCEPTION_LOST,
	EXCEPTION_PROGRAMS,
	EXCEPTIONS_MAP,
	PROG_NAME,
	PROTO_CLASSES,
	SLOT_KEYS,
	slotKeys,
	XDP_ACTIONS,
} from '../../source/bpf/abi.js';

const header = readFileSync(new URL('../../bpf/xdp_stats.h', import.meta.url), 'utf8');

function define(name: string): string {
	const match = new RegExp(`#define ${name}\\s+(\\S+)`).exec(header);
	assert.ok(match, `${name} is defined in the header`);
	return match[1]!.replace(/^"|"$/g, '');
}

test('names match the header', () => {
	assert.equal(define('XDPTOP_PROG_NAME'), PROG_NAME);
	assert.equal(define('XDPTOP_COUNTERS_MAP'), COUNTERS_MAP);
});

test('XDP verdicts in the kernel\'s order, ABORTED..REDIRECT', () => {
	assert.deepEqual([...XDP_ACTIONS], ['ABORTED', 'DROP', 'PASS', 'TX', 'REDIRECT']);
});

test('a slot is its total and one key per protocol class, at the keys .rodata gives', () => {
	assert.match(header, /#define XDPTOP_SLOT_KEYS \(1 \+ PROTO_CLASS_MAX\)/);
	assert.equal(SLOT_KEYS, 1 + PROTO_CLASSES.length);
	assert.equal(Number(define('XDPTOP_SLOT_TOTALS')), 1);
	assert.deepEqual(slotKeys(0, 1), {totalKey: 0, firstClassKey: 1}, "the object's own one-slot map");
	assert.deepEqual(slotKeys(3, 16), {totalKey: 3, firstClassKey: 16 + 3 * PROTO_CLASSES.length});
	const program = readFileSync(new URL('../../bpf/xdp_stats.bpf.c', import.meta.url), 'utf8');
	assert.match(program, /const volatile __u32 total_key = 0;\nconst volatile __u32 first_class_key = XDPTOP_SLOT_TOTALS;/);
	assert.match(program, /count\(total_key, bytes\);\n\tcount\(first_class_key \+ classify\(data, data_end\), bytes\);/);
});

test('protocol classes have the header values, in order, up to the _MAX sentinel', () => {
	const body = /enum proto_class \{([^}]*)\}/.exec(header)?.[1];
	assert.ok(body, 'enum proto_class is in the header');
	const entries = [...body.matchAll(/(PROTO_\w+)\s*=\s*(\d+)/g)].map(match => [match[1]!, Number(match[2])] as const);
	const max = entries.find(([name]) => name === 'PROTO_CLASS_MAX');
	assert.equal(max?.[1], PROTO_CLASSES.length);
	assert.deepEqual(
		entries.filter(([name]) => name !== 'PROTO_CLASS_MAX'),
		PROTO_CLASSES.map((entry, index) => [entry.key, index]),
	);
});

test('struct datarec is two u64 fields', () => {
	const body = /struct datarec \{([^}]*)\}/.exec(header)?.[1] ?? '';
	const fields = [...body.matchAll(/__u64\s+(\w+);/g)].map(match => match[1]);
	assert.deepEqual(fields, ['packets', 'bytes']);
	assert.equal(DATAREC_SIZE, fields.length * 8);
});

test('the exception table and programs: as bpf/xdp_exceptions.h and the .bpf.c say', () => {
	const exceptionsHeader = readFileSync(new URL('../../bpf/xdp_exceptions.h', import.meta.url), 'utf8');
	const program = readFileSync(new URL('../../bpf/xdp_exceptions.bpf.c', import.meta.url), 'utf8');
	const defined = (name: string) => Number(new RegExp(`#define ${name}\\s+(\\d+)`).exec(exceptionsHeader)?.[1]);
	assert.equal(defined('EXCEPTION_INVALID_ACTION'), EXCEPTION_INVALID_ACTION);
	assert.equal(defined('EXCEPTION_LOST'), EXCEPTION_LOST);
	assert.equal(defined('EXCEPTION_KEYS_MAX'), EXCEPTION_KEYS_MAX);
	assert.equal(EXCEPTION_INVALID_ACTION, XDP_ACTIONS.length, 'the first action past XDP\'s own');
	const fields = [.../struct exception_key \{([^}]*)\}/.exec(exceptionsHeader)![1]!.matchAll(/__u(64|32)\s+(\w+);/g)].map(match => [match[2], Number(match[1]) / 8]);
	assert.deepEqual(fields, [['netns_cookie', 8], ['prog_id', 4], ['ifindex', 4], ['action', 4], ['pad', 4]]);
	assert.equal(EXCEPTION_KEY_SIZE, fields.reduce((sum, [, size]) => sum + Number(size), 0));
	assert.match(program, new RegExp(`\\} ${EXCEPTIONS_MAP} SEC\\("\\.maps"\\)`));
	for (const [event, name] of Object.entries(EXCEPTION_PROGRAMS)) {
		assert.match(program, new RegExp(`SEC\\("raw_tracepoint/${event}"\\)\\nint ${name}\\(`));
	}
});
