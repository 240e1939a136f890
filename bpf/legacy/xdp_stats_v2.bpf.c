// SPDX-License-Identifier: GPL-2.0
/*
 * The second layout of xdptop_stats (one per-CPU array per process: every slot's total at the
 * front, then every slot's classes; two lookups per frame), kept only so that `xdptop --cleanup`
 * can prove and remove an attachment an xdptop of that layout left with --keep. Its instructions
 * must not change: the tag of this build is the proof (test/security.test.ts removes a --keep of
 * it with --cleanup).
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

/* Keys per slot (its total and its classes), and the slots of the map the object declares. */
#define XDPTOP_SLOT_KEYS (1 + PROTO_CLASS_MAX)
#define XDPTOP_SLOT_TOTALS 1

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPTOP_SLOT_TOTALS * XDPTOP_SLOT_KEYS);
	__type(key, __u32);
	__type(value, struct datarec);
} xdptop_counters SEC(".maps");

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
	count(first_class_key + classify_frame(data, data_end), bytes);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
