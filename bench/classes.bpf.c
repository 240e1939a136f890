// SPDX-License-Identifier: GPL-2.0
/*
 * datarec keyed by xdptop's protocol class: the per-CPU {packets, bytes} of bench/datarec.bpf.c,
 * one pair per class, the class from xdptop's own parser (bpf/xdp_parse.h, the short path first).
 * What any program that counts by protocol class with datarec's map costs: the floor under
 * xdptop_stats for its classes, whatever the layout of its counters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROTO_CLASS_MAX);
	__type(key, __u32);
	__type(value, struct datarec);
} class_counts SEC(".maps");

SEC("xdp")
int bench_classes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int class = classify_plain_ipv4(data, data_end);
	__u32 key;
	struct datarec *rec;

	if (class < 0)
		class = classify_frame(data, data_end);
	key = class;
	rec = bpf_map_lookup_elem(&class_counts, &key);
	if (rec) {
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
