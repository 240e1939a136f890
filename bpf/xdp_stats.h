/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI shared by xdp_stats.bpf.c and xdptop's userspace.
 * source/bpf/abi.ts mirrors this file; test/bpf/abi.test.ts fails when they drift.
 */
#ifndef XDPTOP_XDP_STATS_H
#define XDPTOP_XDP_STATS_H

#define XDPTOP_PROG_NAME "xdptop_stats"
#define XDPTOP_COUNTERS_MAP "xdptop_counters"

/* One counter pair per CPU per key; userspace sums the CPUs. */
struct datarec {
	__u64 packets;
	__u64 bytes;
};

/* The classes of a frame, in the order of struct cpu_row. */
enum proto_class {
	PROTO_IPV4_TCP = 0,
	PROTO_IPV4_UDP = 1,
	PROTO_IPV4_ICMP = 2,
	PROTO_IPV4_OTHER = 3,
	PROTO_IPV6_TCP = 4,
	PROTO_IPV6_UDP = 5,
	PROTO_IPV6_ICMP = 6,
	PROTO_IPV6_OTHER = 7,
	PROTO_ARP = 8,
	PROTO_OTHER_L2 = 9,
	PROTO_MALFORMED = 10,
	PROTO_CLASS_MAX = 11,
};

/*
 * One row of xdptop_counters: what one instance counted on one CPU, a counter pair per class
 * (the total is their sum, so a frame costs one lookup). Padded to three whole cache lines, so no
 * two CPUs write into the same line. An instance's rows are one per CPU id, in CPU order.
 */
struct cpu_row {
	struct datarec classes[PROTO_CLASS_MAX];
	__u64 pad[2];
};

#endif /* XDPTOP_XDP_STATS_H */
