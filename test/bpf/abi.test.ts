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
	EXCEPTION_EVENTS_MAP,
	EXCEPTIONS_MAP,
	PROG_NAME,
	LEGACY_LAYOUTS,
	PROTO_CLASSES,
	RODATA_SIZE,
	ROW_SIZE,
	CLASSES_SIZE,
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

test('a slot is a row per CPU, each holding a counter pair per protocol class, from the row .rodata gives', () => {
	assert.match(header, /struct cpu_row \{\n\tstruct datarec classes\[PROTO_CLASS_MAX\];\n\t__u64 pad\[2\];\n\};/);
	assert.equal(CLASSES_SIZE, PROTO_CLASSES.length * DATAREC_SIZE);
	assert.equal(ROW_SIZE, CLASSES_SIZE + 2 * 8);
	assert.equal(ROW_SIZE % 64, 0, 'whole cache lines');
	const maps = readFileSync(new URL('../../bpf/xdp_stats_maps.h', import.meta.url), 'utf8');
	assert.match(maps, /__uint\(type, BPF_MAP_TYPE_ARRAY\);\n\t__uint\(map_flags, BPF_F_MMAPABLE\);\n\t__uint\(max_entries, XDPTOP_COUNTERS_ROWS\);\n\t__type\(key, __u32\);\n\t__type\(value, struct cpu_row\);/);
	assert.match(maps, /#ifndef XDPTOP_COUNTERS_ROWS\n#define XDPTOP_COUNTERS_ROWS 1\n#endif/);
	const program = readFileSync(new URL('../../bpf/xdp_stats.bpf.c', import.meta.url), 'utf8');
	assert.match(program, /const volatile __u32 first_row = 0;/);
	assert.equal(RODATA_SIZE, 4, 'one u32 in .rodata');
	assert.match(program, /__u32 key = first_row \+ bpf_get_smp_processor_id\(\);\n\tstruct cpu_row \*row = bpf_map_lookup_elem\(&xdptop_counters, &key\);/);
	assert.equal([...program.matchAll(/bpf_map_lookup_elem/g)].length, 1, 'one lookup per frame');
});

test('the earlier layouts are described as their sources declare them', () => {
	const [v1, v2, v3, v4] = LEGACY_LAYOUTS;
	const source = (layout: {object: string}) => readFileSync(new URL(`../../bpf/${layout.object.replace(/\.o$/, '.c')}`, import.meta.url), 'utf8');
	const first = source(v1);
	for (const map of v1.maps) {
		assert.match(first, new RegExp(`\\} ${map.name} SEC\\("\\.maps"\\)`));
	}
	assert.match(first, /__uint\(max_entries, 5\);[^}]*\} xdp_actions/);
	assert.equal(XDP_ACTIONS.length, 5);
	assert.match(first, /__uint\(max_entries, PROTO_CLASS_MAX\);[^}]*\} xdp_protos/);
	const second = source(v2);
	assert.match(second, /#define XDPTOP_SLOT_KEYS \(1 \+ PROTO_CLASS_MAX\)/);
	assert.deepEqual(v2.maps[0].entries, {multipleOf: 1 + PROTO_CLASSES.length});
	assert.match(second, /__type\(value, struct datarec\);\n\} xdptop_counters SEC/);
	assert.match(second, /const volatile __u32 total_key = 0;\nconst volatile __u32 first_class_key = XDPTOP_SLOT_TOTALS;/);
	assert.equal(v2.maps[1].valueSize, 8, 'two u32 in its .rodata');
	const third = source(v3);
	assert.match(third, /struct slot_counters_v3 \{\n\tstruct datarec classes\[PROTO_CLASS_MAX\];\n\};/);
	assert.equal(v3.maps[0].valueSize, CLASSES_SIZE);
	assert.match(third, /__uint\(type, BPF_MAP_TYPE_PERCPU_ARRAY\);\n\t__uint\(max_entries, 1\);\n\t__type\(key, __u32\);\n\t__type\(value, struct slot_counters_v3\);\n\} xdptop_counters SEC/);
	assert.match(third, /const volatile __u32 slot = 0;/);
	assert.equal(v3.maps[1].valueSize, 4, 'one u32 in its .rodata');
	const fourth = source(v4);
	assert.match(fourth, /struct cpu_row_v4 \{\n\tstruct datarec classes\[PROTO_CLASS_MAX\];\n\t__u64 pad\[2\];\n\};/);
	assert.equal(v4.maps[0].valueSize, ROW_SIZE);
	assert.match(fourth, /__uint\(type, BPF_MAP_TYPE_ARRAY\);\n\t__uint\(map_flags, BPF_F_MMAPABLE\);\n\t__uint\(max_entries, 1\);\n\t__type\(key, __u32\);\n\t__type\(value, struct cpu_row_v4\);\n\} xdptop_counters SEC/);
	assert.match(fourth, /const volatile __u32 first_row = 0;/);
	assert.match(fourth, /rec = &row->classes\[classify_frame\(data, data_end\)\];/);
	assert.equal(v4.maps[1].valueSize, 4, 'one u32 in its .rodata');
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
	assert.match(program, new RegExp(`__uint\\(map_flags, BPF_F_MMAPABLE\\);\\n[^}]*\\} ${EXCEPTION_EVENTS_MAP} SEC\\("\\.maps"\\)`), 'mapped, as exceptions.ts maps it');
	for (const [event, name] of Object.entries(EXCEPTION_PROGRAMS)) {
		assert.match(program, new RegExp(`SEC\\("raw_tracepoint/${event}"\\)\\nint ${name}\\(`));
	}
});
