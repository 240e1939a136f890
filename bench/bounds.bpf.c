// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop's rows (bench/rows.bpf.c) behind the bounds check that the verifier asks of any program
 * before it reads a byte of the frame, and no byte read: the class is the bench frame's own when
 * its IPv4 header fits, else "malformed". Against rows, what that check alone costs; it is the
 * first step of any parse, so against datarec it is a floor for a program that classifies frames
 * with these counters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_maps.h"

const volatile __u32 first_row = 0;

SEC("xdp")
int bench_bounds(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_row + bpf_get_smp_processor_id();
	struct cpu_row *row = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (row) {
		/* Ethernet (14 bytes) and an IPv4 header without options (20): what the short path checks. */
		if (data + 34 > data_end)
			rec = &row->classes[PROTO_MALFORMED];
		else
			rec = &row->classes[PROTO_IPV4_UDP];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
