/**
 * TypeScript mirror of bpf/xdp_stats.h and bpf/xdp_exceptions.h. test/bpf/abi.test.ts parses the header and fails when
 * the two drift.
 */
export const PROG_NAME = 'xdptop_stats';
export const ACTIONS_MAP = 'xdp_actions';
export const PROTOS_MAP = 'xdp_protos';

/** struct datarec {u64 packets; u64 bytes;} */
export const DATAREC_SIZE = 16;

/** Keys of xdp_actions: the kernel's enum xdp_action, in key order. */
export const XDP_ACTIONS = ['ABORTED', 'DROP', 'PASS', 'TX', 'REDIRECT'] as const;
export type XdpAction = (typeof XDP_ACTIONS)[number];

/** Keys of xdp_protos (enum proto_class), in key order, with the label people see. */
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

/** bpf/xdp_exceptions.bpf.c: a program per raw tracepoint, and the table both count into. */
export const EXCEPTION_PROGRAMS = {xdp_exception: 'xdptop_exception', xdp_redirect_err: 'xdptop_redirect_err'} as const;
export const EXCEPTIONS_MAP = 'xdp_exceptions';
/** struct exception_key {u64 netns_cookie; u32 prog_id; u32 ifindex; u32 action; u32 pad;} */
export const EXCEPTION_KEY_SIZE = 24;
export const EXCEPTION_INVALID_ACTION = 5;
export const EXCEPTION_LOST = 6;
export const EXCEPTION_KEYS_MAX = 4096;
