// SPDX-License-Identifier: GPL-2.0
/* The xdp-tutorial design: per-CPU {packets, bytes} per verdict, no parsing. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct datarec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, struct datarec);
} datarec_actions SEC(".maps");

SEC("xdp")
int bench_datarec(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = XDP_PASS;
	struct datarec *rec = bpf_map_lookup_elem(&datarec_actions, &key);

	if (rec) {
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
