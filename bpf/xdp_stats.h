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

/* A slot's classes, at first_class_key + class in xdptop_counters. */
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
 * xdptop_counters with S slots: keys 0..S-1 are the slots' totals, then each slot's
 * PROTO_CLASS_MAX classes from S + slot * PROTO_CLASS_MAX. XDPTOP_SLOT_TOTALS is S of the map the
 * object declares (one slot); xdptop creates larger ones.
 */
#define XDPTOP_SLOT_KEYS (1 + PROTO_CLASS_MAX)
#define XDPTOP_SLOT_TOTALS 1

#endif /* XDPTOP_XDP_STATS_H */
