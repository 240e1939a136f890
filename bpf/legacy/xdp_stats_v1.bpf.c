// SPDX-License-Identifier: GPL-2.0
/*
 * The previous layout of xdptop_stats (two maps per instance: one by verdict, one by protocol
 * class), kept only so that `xdptop --cleanup` can prove and remove an attachment an older
 * xdptop left with --keep. Its instructions must not change: the tag of this build is the
 * proof. test/bpf/legacy.test.ts checks this object still loads with the old layout.
 */
#include "../xdp_classify.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_actions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PROTO_CLASS_MAX);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_protos SEC(".maps");

static __always_inline void count(void *map, __u32 key, __u64 bytes)
{
	struct datarec *rec = bpf_map_lookup_elem(map, &key);

	if (!rec)
		return;
	rec->packets++;
	rec->bytes += bytes;
}

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	__u32 action = XDP_PASS;

	count(&xdp_protos, classify(data, data_end), bytes);
	count(&xdp_actions, action, bytes);
	return action;
}

char LICENSE[] SEC("license") = "GPL";
