/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xdp_stats.bpf.c's parser shares with the previous layout's (bpf/legacy/): a VLAN tag, a
 * class from an L4 protocol number, and the classes of IPv4 and IPv6 headers. A change here
 * changes the legacy program's instructions, and with them the tag that proves an old --keep is
 * ours: leave it as it is.
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

#endif /* XDPTOP_XDP_PARSE_H */
