/**
 * TypeScript mirror of bpf/xdp_stats.h and bpf/xdp_exceptions.h. test/bpf/abi.test.ts parses the header and fails when
 * the two drift.
 */
export const PROG_NAME = 'xdptop_stats';
/** The array every instance of a process counts into: a row per CPU id per instance (its slot), mapped into memory to be read. */
export const COUNTERS_MAP = 'xdptop_counters';
/** The .rodata of xdp_stats.bpf.c: an instance's first row in COUNTERS_MAP (u32). */
export const RODATA_SIZE = 4;
export const RODATA_MAP = '.rodata';

/** struct datarec {u64 packets; u64 bytes;} */
export const DATAREC_SIZE = 16;

/** The kernel's enum xdp_action, in order (our program passes every frame: PASS is the total). */
export const XDP_ACTIONS = ['ABORTED', 'DROP', 'PASS', 'TX', 'REDIRECT'] as const;
export type XdpAction = (typeof XDP_ACTIONS)[number];

/** The keys of a slot (enum proto_class), in key order, with the label people see. */
export const PROTO_CLASSES = [
	{key: 'PROTO_IPV4_TCP', label: 'IPv4 TCP'},
	{key: 'PROTO_IPV4_UDP', label: 'IPv4 UDP'},
	{key: 'PROTO_IPV4_ICMP', label: 'IPv4 ICMP'},
	{key: 'PROTO_IPV4_OTHER', label: 'IPv4 other'},
	{key: 'PROTO_IPV6_TCP', label: 'IPv6 TCP'},
	{key: 'PROTO_IPV6_UDP', label: 'IPv6 UDP'},
	{key: 'PROTO_IPV6_ICMP', label: 'IPv6 ICMPv6'},
	{key: 'PROTO_IPV6_OTHER', label: 'IPv6 other'},
	{key: 'PROTO_ARP', label: 'ARP'},
	{key: 'PROTO_OTHER_L2', label: 'other L2'},
	{key: 'PROTO_MALFORMED', label: 'malformed'},
] as const;

export const PROTO_LABELS: readonly string[] = PROTO_CLASSES.map(entry => entry.label);

/** A datarec per class, in PROTO_CLASSES order: what a slot holds for one CPU. */
export const CLASSES_SIZE = PROTO_CLASSES.length * DATAREC_SIZE;
/** struct cpu_row: the classes, padded to three cache lines (the value of a COUNTERS_MAP key). */
export const ROW_SIZE = 192;

export const BPF_MAP_TYPE_ARRAY = 2;
export const BPF_MAP_TYPE_PERCPU_ARRAY = 6;
/** Map flag: userspace may mmap() the map's values (arrays only). */
export const BPF_F_MMAPABLE = 1 << 10;

/** A map of an earlier layout, as its program's proof checks it (a name starting with '.' is a suffix: libbpf prefixes it). */
export interface LegacyMap {
	readonly name: string;
	readonly type: number;
	readonly valueSize: number;
	/** max_entries is this many, or a multiple of it. */
	readonly entries: {readonly exactly: number} | {readonly multipleOf: number};
}

/**
 * The earlier layouts of xdptop_stats (bpf/legacy/), each its object and exactly its maps. Only
 * `--cleanup` proves them, to remove what an older xdptop kept; nothing of them is read.
 */
export const LEGACY_LAYOUTS = [
	{
		// Before slots: a verdict map and a protocol map per instance.
		object: 'legacy/xdp_stats_v1.bpf.o',
		maps: [
			{name: 'xdp_actions', type: BPF_MAP_TYPE_PERCPU_ARRAY, valueSize: DATAREC_SIZE, entries: {exactly: XDP_ACTIONS.length}},
			{name: 'xdp_protos', type: BPF_MAP_TYPE_PERCPU_ARRAY, valueSize: DATAREC_SIZE, entries: {exactly: PROTO_CLASSES.length}},
		],
	},
	{
		// Slots of a total key and a key per class, given in an 8-byte .rodata: two lookups per frame.
		object: 'legacy/xdp_stats_v2.bpf.o',
		maps: [
			{name: COUNTERS_MAP, type: BPF_MAP_TYPE_PERCPU_ARRAY, valueSize: DATAREC_SIZE, entries: {multipleOf: 1 + PROTO_CLASSES.length}},
			{name: RODATA_MAP, type: BPF_MAP_TYPE_ARRAY, valueSize: 8, entries: {exactly: 1}},
		],
	},
	{
		// A per-CPU key per slot holding every class, its slot in .rodata: read with a batch lookup per tick.
		object: 'legacy/xdp_stats_v3.bpf.o',
		maps: [
			{name: COUNTERS_MAP, type: BPF_MAP_TYPE_PERCPU_ARRAY, valueSize: CLASSES_SIZE, entries: {multipleOf: 1}},
			{name: RODATA_MAP, type: BPF_MAP_TYPE_ARRAY, valueSize: 4, entries: {exactly: 1}},
		],
	},
	{
		// Today's counters map (a row per CPU id per slot, read from memory), every frame through the full parse.
		object: 'legacy/xdp_stats_v4.bpf.o',
		maps: [
			{name: COUNTERS_MAP, type: BPF_MAP_TYPE_ARRAY, valueSize: ROW_SIZE, entries: {multipleOf: 1}},
			{name: RODATA_MAP, type: BPF_MAP_TYPE_ARRAY, valueSize: 4, entries: {exactly: 1}},
		],
	},
] as const satisfies ReadonlyArray<{readonly object: string; readonly maps: readonly LegacyMap[]}>;

/** bpf/xdp_exceptions.bpf.c: a program per raw tracepoint, the table both count into, and their count of events. */
export const EXCEPTION_PROGRAMS = {xdp_exception: 'xdptop_exception', xdp_redirect_err: 'xdptop_redirect_err'} as const;
export const EXCEPTIONS_MAP = 'xdp_exceptions';
/** One u64, mapped into memory: every event counted, ever (the table is read only when it moved). */
export const EXCEPTION_EVENTS_MAP = 'xdp_exception_events';
/** struct exception_key {u64 netns_cookie; u32 prog_id; u32 ifindex; u32 action; u32 pad;} */
export const EXCEPTION_KEY_SIZE = 24;
export const EXCEPTION_INVALID_ACTION = 5;
export const EXCEPTION_LOST = 6;
export const EXCEPTION_KEYS_MAX = 4096;
