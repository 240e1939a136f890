// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats: counts every frame, in total and by protocol class, then passes it.
 *
 * The program only ever passes, so its verdict counts are the total (PASS) and need no map of
 * their own. Every instance counts into one per-CPU array shared by all of a process's
 * attachments: the totals of all slots first, one key each, so that a tick reads every
 * interface's total in one short batch; then each slot's classes. xdptop writes an instance's
 * keys into .rodata before load, so the instructions (and the tag that proves a program is
 * ours) are the same for every instance. Per-CPU: each CPU owns its value, so plain adds are
 * exact without atomics.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdp_stats_maps.h"
#include "xdp_parse.h"

/*
 * Ethernet and VLAN headers as plain (not packed) structs, so an ethertype is one 16-bit load
 * (linux/if_ether.h's packed struct ethhdr makes clang load it a byte at a time).
 */
struct eth_header {
	__u8 destination[ETH_ALEN];
	__u8 source[ETH_ALEN];
	__be16 proto;
};

/* Untagged IPv4 is tested first: the most common frame takes the fewest branches. */
static __always_inline __u32 classify(void *data, void *data_end)
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
 * Set by xdptop before load (frozen after): where this instance counts in xdptop_counters. Its
 * total at total_key (the slot's index), its classes at first_class_key + class.
 */
const volatile __u32 total_key = 0;
const volatile __u32 first_class_key = XDPTOP_SLOT_TOTALS;

static __always_inline void count(__u32 key, __u64 bytes)
{
	struct datarec *rec = bpf_map_lookup_elem(&xdptop_counters, &key);

	if (rec) {
		rec->packets++;
		rec->bytes += bytes;
	}
}

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;

	count(total_key, bytes);
	count(first_class_key + classify(data, data_end), bytes);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
