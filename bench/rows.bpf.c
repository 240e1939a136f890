// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats without its parse: the same counters map and row (first_row plus the CPU id), the
 * class fixed to the bench frame's own (IPv4 UDP). Against datarec, what xdptop's counters cost;
 * against xdptop_stats, what reading the frame for its class costs. bench/bounds.bpf.c builds it
 * again with BENCH_BOUNDS_CHECK: the same behind a bounds check.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_maps.h"

#ifdef BENCH_BOUNDS_CHECK
#define BENCH_PROGRAM bench_bounds
#else
#define BENCH_PROGRAM bench_rows
#endif

const volatile __u32 first_row = 0;

static __always_inline __u32 bench_class(void *data, void *data_end)
{
#ifdef BENCH_BOUNDS_CHECK
	/* Ethernet (14 bytes) and an IPv4 header without options (20): what the short path checks. */
	if (data + 34 > data_end)
		return PROTO_MALFORMED;
#endif
	return PROTO_IPV4_UDP;
}

SEC("xdp")
int BENCH_PROGRAM(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_row + bpf_get_smp_processor_id();
	struct cpu_row *row = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (row) {
		rec = &row->classes[bench_class(data, data_end)];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
