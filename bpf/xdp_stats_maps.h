/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter map of xdp_stats.bpf.c, in the layout source/bpf/identity.ts proves before it reads
 * a byte: a plain array of struct cpu_row that userspace maps into its memory (BPF_F_MMAPABLE),
 * so a tick reads every instance's counters without a system call. One row is declared here;
 * xdptop gives every instance of a process one shared map with a row per CPU for each of many.
 */
#ifndef XDPTOP_XDP_STATS_MAPS_H
#define XDPTOP_XDP_STATS_MAPS_H

#include "xdp_stats.h"

/* Test fixtures that load through iproute2 size the map here (xdptop sizes it before load). */
#ifndef XDPTOP_COUNTERS_ROWS
#define XDPTOP_COUNTERS_ROWS 1
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, XDPTOP_COUNTERS_ROWS);
	__type(key, __u32);
	__type(value, struct cpu_row);
} xdptop_counters SEC(".maps");

#endif /* XDPTOP_XDP_STATS_MAPS_H */
