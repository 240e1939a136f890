// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats without its parse: the same counters map and row (first_row plus the CPU id), the
 * class fixed to the bench frame's own (IPv4 UDP). Against datarec, what xdptop's counters cost;
 * against xdptop_stats, what reading the frame for its class costs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_maps.h"

const volatile __u32 first_row = 0;

SEC("xdp")
int bench_rows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_row + bpf_get_smp_processor_id();
	struct cpu_row *row = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;

	if (row) {
		rec = &row->classes[PROTO_IPV4_UDP];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
