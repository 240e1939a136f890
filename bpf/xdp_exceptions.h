/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xdp_exceptions.bpf.c counts, as source/bpf/exceptions.ts reads it: one per-CPU u64 per
 * (network namespace, program id, ifindex, action).
 */
#ifndef XDPTOP_XDP_EXCEPTIONS_H
#define XDPTOP_XDP_EXCEPTIONS_H

#include <linux/types.h>

/* Actions 0..4 are XDP's own; a program that returns anything else is counted here. */
#define EXCEPTION_INVALID_ACTION 5
/* Key {0, 0, 0, LOST} (no program has id 0) counts the events that found the table full. */
#define EXCEPTION_LOST 6
#define EXCEPTION_KEYS_MAX 4096

struct exception_key {
	__u64 netns_cookie; /* the interface's network namespace, as SO_NETNS_COOKIE names it */
	__u32 prog_id;
	__u32 ifindex;
	__u32 action;
	__u32 pad;
};

#endif /* XDPTOP_XDP_EXCEPTIONS_H */
