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
 * The class within an IPv4 family of every IP protocol number below 32, two bits each: TCP 0,
 * UDP 1, ICMP 2, anything else 3 (as classify_l4() orders them, from PROTO_IPV4_TCP).
 */
#define IPV4_L4_CLASS_BITS                                                                   \
	(~0ULL ^ (3ULL << (2 * IPPROTO_TCP)) ^ (2ULL << (2 * IPPROTO_UDP)) ^                 \
	 (1ULL << (2 * IPPROTO_ICMP)))

/* Bytes 12..15 of untagged IPv4 without options, read as a word: EtherType 0x0800, version 4,
 * IHL 5 (the mask leaves out the fourth byte, the TOS). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PLAIN_IPV4_LEAD_MASK 0x00ffffffU
#define PLAIN_IPV4_LEAD 0x00450008U
#else
#define PLAIN_IPV4_LEAD_MASK 0xffffff00U
#define PLAIN_IPV4_LEAD 0x08004500U
#endif

/*
 * The frame most links carry most (untagged IPv4, no options) in one bounds check, two loads and
 * no branch on its L4 protocol, so mixed TCP and UDP cost no mispredictions. Any other frame
 * gives -1 and goes through classify_frame(), which classifies this one the same way.
 */
static __always_inline int classify_plain_ipv4(void *data, void *data_end)
{
	__u64 l4_proto;
	__u64 not_below_32;

	if (data + sizeof(struct eth_header) + sizeof(struct iphdr) > data_end)
		return -1;
	if ((*(__u32 *)(data + offsetof(struct eth_header, proto)) & PLAIN_IPV4_LEAD_MASK) != PLAIN_IPV4_LEAD)
		return -1;
	l4_proto = *(__u8 *)(data + sizeof(struct eth_header) + offsetof(struct iphdr, protocol));
	/* All ones for a protocol of 32 or more (class 3), else 0. */
	not_below_32 = -((l4_proto + (256 - 32)) >> 8);
	return PROTO_IPV4_TCP + (((IPV4_L4_CLASS_BITS >> ((l4_proto & 31) * 2)) | not_below_32) & 3);
}

#endif /* XDPTOP_XDP_PARSE_H */
