/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two counter maps of xdp_stats.bpf.c, in the layout source/bpf/identity.ts proves before it
 * reads a byte: per-CPU arrays of struct datarec, one by verdict, one by protocol class.
 */
#ifndef XDPTOP_XDP_STATS_MAPS_H
#define XDPTOP_XDP_STATS_MAPS_H

#include "xdp_stats.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDP_ACTION_MAX);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_actions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROTO_CLASS_MAX);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_protos SEC(".maps");

#endif /* XDPTOP_XDP_STATS_MAPS_H */
