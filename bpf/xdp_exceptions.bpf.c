// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_exceptions: counts the failures of every XDP program on the host, whoever loaded it,
 * from the kernel's own tracepoints: xdp:xdp_exception (XDP_ABORTED, an invalid action, an XDP_TX
 * or redirect the driver could not carry out) and xdp:xdp_redirect_err (a redirect that failed).
 * These fire only when something goes wrong, so a frame that is handled costs nothing here.
 *
 * Some drivers (i40e, ice, ixgbe, mlx5) report one failed redirect twice: xdp_do_redirect()
 * fires xdp_redirect_err, then the driver fires xdp_exception for the same frame. Both run on
 * the same CPU, one right after the other, so the redirect error leaves a per-CPU note that the
 * exception that follows it consumes instead of counting the frame again.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdp_exceptions.h"

/*
 * The records as /sys/kernel/tracing/events/xdp/<event>/format lays them out; source/bpf/tracefs.ts
 * checks those offsets on the running kernel before attaching.
 */
struct xdp_exception_record {
	__u64 common;
	__s32 prog_id;
	__u32 act;
	__s32 ifindex;
};

struct xdp_redirect_err_record {
	__u64 common;
	__s32 prog_id;
	__u32 act;
	__s32 ifindex;
	__s32 err;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, EXCEPTION_KEYS_MAX);
	__type(key, struct exception_key);
	__type(value, __u64);
} xdp_exceptions SEC(".maps");

struct pending_redirect {
	__u32 prog_id;
	__u32 ifindex;
	__u64 at_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending_redirect);
} xdp_pending_redirect SEC(".maps");

/* The driver's xdp_exception follows the redirect error within a few instructions. */
#define SAME_FAILURE_NS 100000

static __always_inline void count(__u32 prog_id, __u32 ifindex, __u32 action)
{
	struct exception_key key = {
		.prog_id = prog_id,
		.ifindex = ifindex,
		.action = action > XDP_REDIRECT ? EXCEPTION_INVALID_ACTION : action,
	};
	__u64 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&xdp_exceptions, &key);

	if (!value) {
		/* EEXIST when another CPU added it meanwhile: the lookup below finds it either way. */
		bpf_map_update_elem(&xdp_exceptions, &key, &zero, BPF_NOEXIST);
		value = bpf_map_lookup_elem(&xdp_exceptions, &key);
	}
	if (!value) {
		struct exception_key lost = {.action = EXCEPTION_LOST};

		value = bpf_map_lookup_elem(&xdp_exceptions, &lost);
		if (!value)
			return;
	}
	*value += 1;
}

SEC("tracepoint/xdp/xdp_exception")
int xdptop_exception(struct xdp_exception_record *record)
{
	__u32 slot = 0;
	struct pending_redirect *pending = bpf_map_lookup_elem(&xdp_pending_redirect, &slot);

	if (pending && pending->at_ns && record->act == XDP_REDIRECT &&
	    pending->prog_id == (__u32)record->prog_id && pending->ifindex == (__u32)record->ifindex &&
	    bpf_ktime_get_ns() - pending->at_ns < SAME_FAILURE_NS) {
		pending->at_ns = 0;
		return 0;
	}
	count(record->prog_id, record->ifindex, record->act);
	return 0;
}

SEC("tracepoint/xdp/xdp_redirect_err")
int xdptop_redirect_err(struct xdp_redirect_err_record *record)
{
	__u32 slot = 0;
	struct pending_redirect *pending = bpf_map_lookup_elem(&xdp_pending_redirect, &slot);

	count(record->prog_id, record->ifindex, XDP_REDIRECT);
	if (pending) {
		pending->prog_id = record->prog_id;
		pending->ifindex = record->ifindex;
		pending->at_ns = bpf_ktime_get_ns();
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
