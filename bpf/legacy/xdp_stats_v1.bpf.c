// SPDX-License-Identifier: GPL-2.0
/*
 * The previous layout of xdptop_stats (two maps per instance: one by verdict, one by protocol
 * class), kept only so that `xdptop --cleanup` can prove and remove an attachment an older
 * xdptop left with --keep. Its instructions must not change: the tag of this build is the
 * proof (test/security.test.ts removes a --keep of it with --cleanup).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "../xdp_stats.h"
#include "../xdp_parse.h"

/* The previous parser, as it was: bpf/xdp_stats.bpf.c has a faster one that counts the same. */
static __always_inline __u32 classify(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	void *cursor = eth + 1;
	__be16 proto;

	if (cursor > data_end)
		return PROTO_MALFORMED;
	proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < MAX_VLAN_TAGS; i++) {
		struct vlan_tag *tag = cursor;

		if (!is_vlan(proto))
			break;
		if ((void *)(tag + 1) > data_end)
			return PROTO_MALFORMED;
		proto = tag->encapsulated_proto;
		cursor = tag + 1;
	}

	if (proto == bpf_htons(ETH_P_IP))
		return classify_ipv4(cursor, data_end);
	if (proto == bpf_htons(ETH_P_IPV6))
		return classify_ipv6(cursor, data_end);
	if (proto == bpf_htons(ETH_P_ARP))
		return PROTO_ARP;
	/* A third VLAN tag, or any other ethertype. */
	return PROTO_OTHER_L2;
}

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
