// SPDX-License-Identifier: GPL-2.0
/*
 * The fourth layout of xdptop_stats (the counters map of today, struct cpu_row rows, but every
 * frame through classify_frame()), kept only so that `xdptop --cleanup` can prove and remove an
 * attachment an xdptop of that layout left with --keep. Its instructions must not change: the
 * tag of this build is the proof (test/security.test.ts removes a --keep of it with --cleanup).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../xdp_stats.h"
#include "../xdp_parse.h"

struct cpu_row_v4 {
	struct datarec classes[PROTO_CLASS_MAX];
	__u64 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_row_v4);
} xdptop_counters SEC(".maps");

/* Set by xdptop before load (frozen after): this instance's row for CPU 0 in xdptop_counters. */
const volatile __u32 first_row = 0;

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_row + bpf_get_smp_processor_id();
	struct cpu_row_v4 *row = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (row) {
		rec = &row->classes[classify_frame(data, data_end)];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
