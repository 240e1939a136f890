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

/* A slot's classes, in key order of struct slot_counters. */
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
 * One slot of xdptop_counters (one key per attached interface): a counter pair per class. The
 * slot's total is their sum, so a frame costs one lookup.
 */
struct slot_counters {
	struct datarec classes[PROTO_CLASS_MAX];
};

#endif /* XDPTOP_XDP_STATS_H */
