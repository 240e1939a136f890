/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame parser of xdp_stats.bpf.c, shared with the earlier layouts' programs (bpf/legacy/):
 * v2, v3 and v4 use classify_frame() as it is, v1 its VLAN tag and the classes of L4 protocols,
 * IPv4 and IPv6 headers; today's program tries classify_plain_ipv4() first. A change here changes
 * a legacy program's instructions, and with them the tag that proves an old --keep is ours:
 * leave it as it is (a new parser goes in a new function).
 */
#ifndef XDPTOP_XDP_PARSE_H
#define XDPTOP_XDP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "xdp_stats.h"

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
static __always_inline __u32 classify_ipv4(void *cursor, void *data_end)
{
	struct iphdr *ip = cursor;

	if ((void *)(ip + 1) > data_end || ip->ihl < 5 || cursor + ip->ihl * 4 > data_end)
		return PROTO_MALFORMED;
	return classify_l4(ip->protocol, PROTO_IPV4_TCP, PROTO_IPV4_UDP, PROTO_IPV4_ICMP,
			   IPPROTO_ICMP, PROTO_IPV4_OTHER);
}

static __always_inline __u32 classify_ipv6(void *cursor, void *data_end)
{
	struct ipv6hdr *ip6 = cursor;

	if ((void *)(ip6 + 1) > data_end)
		return PROTO_MALFORMED;
	/* Extension headers are not walked: such packets count as "other". */
	return classify_l4(ip6->nexthdr, PROTO_IPV6_TCP, PROTO_IPV6_UDP, PROTO_IPV6_ICMP,
			   IPPROTO_ICMPV6, PROTO_IPV6_OTHER);
}

/*
 * Ethernet and VLAN headers as plain (not packed) structs, so an ethertype is one 16-bit load
 * (linux/if_ether.h's packed struct ethhdr makes clang load it a byte at a time).
 */
struct eth_header {
	__u8 destination[ETH_ALEN];
	__u8 source[ETH_ALEN];
	__be16 proto;
};

/* A frame's class. Untagged IPv4 is tested first: the most common frame takes the fewest branches. */
static __always_inline __u32 classify_frame(void *data, void *data_end)
{
	struct eth_header *eth = data;
	void *cursor = eth + 1;
	__be16 proto;

	if (cursor > data_end)
		return PROTO_MALFORMED;
	proto = eth->proto;
	if (proto == bpf_htons(ETH_P_IP))
		return classify_ipv4(cursor, data_end);

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

/*
 * The frame most links carry most (untagged IPv4 without options) behind one bounds check, with
 * loads of 16 and 8 bits only (aligned wherever the driver puts the frame). The class comes from
 * branches, not from arithmetic on the frame's bytes: a predicted branch lets the counter update
 * start before the loads complete (a branch-free form with the same aligned loads measured no
 * faster than the full parse; mixed protocols mispredict here as they do in classify_l4()).
 * Any other frame gives -1 and goes through classify_frame(), which classifies this one the same.
 */
static __always_inline int classify_plain_ipv4(void *data, void *data_end)
{
	struct eth_header *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->proto != bpf_htons(ETH_P_IP) ||
	    *(__u8 *)ip != ((4 << 4) | 5))
		return -1;
	return classify_l4(ip->protocol, PROTO_IPV4_TCP, PROTO_IPV4_UDP, PROTO_IPV4_ICMP,
			   IPPROTO_ICMP, PROTO_IPV4_OTHER);
}

#endif /* XDPTOP_XDP_PARSE_H */
