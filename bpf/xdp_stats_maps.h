/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter map of xdp_stats.bpf.c, in the layout source/bpf/identity.ts proves before it reads
 * a byte: a per-CPU array of struct slot_counters, one key per slot. One slot is declared here;
 * xdptop gives every instance of a process one shared map with room for many.
 */
#ifndef XDPTOP_XDP_STATS_MAPS_H
#define XDPTOP_XDP_STATS_MAPS_H

#include "xdp_stats.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slot_counters);
} xdptop_counters SEC(".maps");

#endif /* XDPTOP_XDP_STATS_MAPS_H */
