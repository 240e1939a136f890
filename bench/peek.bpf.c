// SPDX-License-Identifier: GPL-2.0
/*
 * The least a program that looks at the frame can do: datarec's per-CPU counter pair, keyed by
 * one read of the frame (IPv4 or not) behind one bounds check.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Not linux/if_ether.h's packed struct ethhdr, which clang reads a byte at a time. */
struct eth_header {
	__u8 destination[ETH_ALEN];
	__u8 source[ETH_ALEN];
	__be16 proto;
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct datarec);
} peek_counts SEC(".maps");

SEC("xdp")
int bench_peek(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_header *eth = data;
	__u32 key = 0;
	struct datarec *rec;

	if ((void *)(eth + 1) <= data_end && eth->proto != bpf_htons(ETH_P_IP))
		key = 1;
	rec = bpf_map_lookup_elem(&peek_counts, &key);
	if (rec) {
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
