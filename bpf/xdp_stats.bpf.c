// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats: counts every frame, in total and by protocol class, then passes it.
 *
 * The program only ever passes, so its verdict counts are the total (PASS) and need no map of
 * their own; the total is the sum of the classes, so a frame costs one map lookup. Every
 * instance counts into one per-CPU array shared by all of a process's attachments, at a slot
 * (key) of its own, so a tick reads every interface in one batch. xdptop writes an instance's
 * slot into .rodata before load, so the instructions (and the tag that proves a program is ours)
 * are the same for every instance. Per-CPU: each CPU owns its value, so plain adds are exact
 * without atomics.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_maps.h"
#include "xdp_parse.h"

/* Set by xdptop before load (frozen after): this instance's slot (key) in xdptop_counters. */
const volatile __u32 slot = 0;

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = slot;
	struct slot_counters *counters = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (counters) {
		rec = &counters->classes[classify_frame(data, data_end)];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
