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

/* The previous parser, as it was: bpf/xdp_stats.bpf.c has a faster one that counts the same. */
struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

#define MAX_VLAN_TAGS 2

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline __u32 classify_l4(__u8 l4_proto, __u32 tcp, __u32 udp, __u32 icmp,
					 __u32 icmp_proto, __u32 other)
{
	if (l4_proto == IPPROTO_TCP)
		return tcp;
	if (l4_proto == IPPROTO_UDP)
		return udp;
	if (l4_proto == icmp_proto)
		return icmp;
	return other;
}

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

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cursor;

		if ((void *)(ip + 1) > data_end || ip->ihl < 5 || cursor + ip->ihl * 4 > data_end)
			return PROTO_MALFORMED;
		return classify_l4(ip->protocol, PROTO_IPV4_TCP, PROTO_IPV4_UDP, PROTO_IPV4_ICMP,
				   IPPROTO_ICMP, PROTO_IPV4_OTHER);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cursor;

		if ((void *)(ip6 + 1) > data_end)
			return PROTO_MALFORMED;
		/* Extension headers are not walked: such packets count as "other". */
		return classify_l4(ip6->nexthdr, PROTO_IPV6_TCP, PROTO_IPV6_UDP, PROTO_IPV6_ICMP,
				   IPPROTO_ICMPV6, PROTO_IPV6_OTHER);
	}
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
