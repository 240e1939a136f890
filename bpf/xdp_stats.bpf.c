// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats: counts every frame by protocol class, then passes it.
 *
 * One lookup per frame: the program only ever passes, so its verdict counts are the sum of the
 * classes (PASS is the total) and need no map of their own. Every instance counts into one
 * per-CPU array shared by all of a process's attachments, at the keys of its own slot; xdptop
 * writes the slot's first key into .rodata before load, so the instructions (and the tag that
 * proves a program is ours) are the same for every instance. Per-CPU: each CPU owns its value,
 * so plain adds are exact without atomics.
 */
#include "xdp_classify.h"
#include "xdp_stats_maps.h"

/* Set by xdptop before load (frozen after): the first of this instance's PROTO_CLASS_MAX keys. */
const volatile __u32 first_key = 0;

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_key + classify(data, data_end);
	struct datarec *rec = bpf_map_lookup_elem(&xdptop_counters, &key);

	if (rec) {
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
