// SPDX-License-Identifier: GPL-2.0
/*
 * The third layout of xdptop_stats (one per-CPU array per process, a key per slot holding a
 * counter pair per class; one lookup per frame, read with a batch lookup), kept only so that
 * `xdptop --cleanup` can prove and remove an attachment an xdptop of that layout left with
 * --keep. Its instructions must not change: the tag of this build is the proof
 * (test/security.test.ts removes a --keep of it with --cleanup).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../xdp_stats.h"
#include "../xdp_parse.h"

struct slot_counters_v3 {
	struct datarec classes[PROTO_CLASS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slot_counters_v3);
} xdptop_counters SEC(".maps");

/* Set by xdptop before load (frozen after): this instance's slot (key) in xdptop_counters. */
const volatile __u32 slot = 0;

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = slot;
	struct slot_counters_v3 *counters = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (counters) {
		rec = &counters->classes[classify_frame(data, data_end)];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
