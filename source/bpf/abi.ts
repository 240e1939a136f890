/**
 * TypeScript mirror of bpf/xdp_stats.h and bpf/xdp_exceptions.h. test/bpf/abi.test.ts parses the header and fails when
 * the two drift.
 */
export const PROG_NAME = 'xdptop_stats';
/** The per-CPU array every instance of a process counts into, PROTO_CLASSES.length keys per slot. */
export const COUNTERS_MAP = 'xdptop_counters';
/** The .rodata of xdp_stats.bpf.c: an instance's total_key and first_class_key in COUNTERS_MAP (u32 each). */
export const RODATA_SIZE = 8;
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

/** Keys per slot of COUNTERS_MAP: its total, and one per class. */
export const SLOT_KEYS = 1 + PROTO_CLASSES.length;

/** Where an instance counts in COUNTERS_MAP: what it is given in .rodata. */
export interface SlotKeys {
	readonly totalKey: number;
	readonly firstClassKey: number;
}

/** In a map of `slots` slots the totals come first, a key each, then every slot's classes. */
export function slotKeys(slot: number, slots: number): SlotKeys {
	return {totalKey: slot, firstClassKey: slots + slot * PROTO_CLASSES.length};
}

/**
 * bpf/legacy/xdp_stats_v1.bpf.c: the layout before slots (a verdict map and a protocol map per
 * instance). Only `--cleanup` proves it, to remove what an older xdptop kept.
 */
export const LEGACY_MAPS = [
	{name: 'xdp_actions', maxEntries: XDP_ACTIONS.length},
	{name: 'xdp_protos', maxEntries: PROTO_CLASSES.length},
] as const;

/** bpf/xdp_exceptions.bpf.c: a program per raw tracepoint, and the table both count into. */
export const EXCEPTION_PROGRAMS = {xdp_exception: 'xdptop_exception', xdp_redirect_err: 'xdptop_redirect_err'} as const;
export const EXCEPTIONS_MAP = 'xdp_exceptions';
/** struct exception_key {u64 netns_cookie; u32 prog_id; u32 ifindex; u32 action; u32 pad;} */
export const EXCEPTION_KEY_SIZE = 24;
export const EXCEPTION_INVALID_ACTION = 5;
export const EXCEPTION_LOST = 6;
export const EXCEPTION_KEYS_MAX = 4096;
