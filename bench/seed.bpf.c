// SPDX-License-Identifier: GPL-2.0
/* What xdptop's seed did: one shared counter, a plain ++ from every CPU (racy by design). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seed_count SEC(".maps");

SEC("xdp")
int bench_seed(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&seed_count, &key);

	if (count)
		(*count)++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
