// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_stats: counts every frame, in total and by protocol class, then passes it.
 *
 * The program only ever passes, so its verdict counts are the total (PASS) and need no map of
 * their own; the total is the sum of the classes, so a frame costs one map lookup. Untagged IPv4
 * without options, what most links carry most, is classified first behind one bounds check; any
 * other frame goes through the full parse. Every instance counts into one array shared by all of
 * a process's attachments, in rows of its own: one per CPU id, from first_row. xdptop writes
 * first_row into .rodata before load, so the instructions (and the tag that proves a program is
 * ours) are the same for every instance. A row is written by its CPU alone (XDP runs with
 * migration disabled), so plain adds are exact without atomics, as in a per-CPU map; unlike one,
 * the array can be mapped into userspace memory, so reading it costs no system call.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_stats_maps.h"
#include "xdp_parse.h"

/* Set by xdptop before load (frozen after): this instance's row for CPU 0 in xdptop_counters. */
const volatile __u32 first_row = 0;

SEC("xdp")
int xdptop_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = first_row + bpf_get_smp_processor_id();
	struct cpu_row *row = bpf_map_lookup_elem(&xdptop_counters, &key);
	struct datarec *rec;
	int class;

	if (row) {
		class = classify_plain_ipv4(data, data_end);
		if (class < 0)
			class = classify_frame(data, data_end);
		rec = &row->classes[class];
		rec->packets++;
		rec->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
