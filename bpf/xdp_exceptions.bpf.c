// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop_exceptions: counts the failures of every XDP program on the host, whoever loaded it and
 * in whatever network namespace, from the kernel's own tracepoints: xdp_exception (XDP_ABORTED,
 * an invalid action, an XDP_TX or redirect the driver could not carry out) and xdp_redirect_err
 * (a redirect that failed). They fire only when something goes wrong, so a frame that is handled
 * costs nothing here.
 *
 * Raw tracepoints: the arguments are the kernel's own (the device, the program, the action), so
 * the device's namespace is known (an ifindex alone repeats across namespaces), no tracefs is
 * needed to attach, and the fields are found through the kernel's BTF (CO-RE) on any layout.
 *
 * Some drivers (i40e, ice, ixgbe, mlx5) report one failed redirect twice: xdp_do_redirect()
 * fires xdp_redirect_err, then the driver fires xdp_exception for the same frame, on the same
 * CPU, with no other XDP event between. So a redirect error leaves a per-CPU note, which the next
 * event on that CPU consumes: an exception for the same redirect is then not counted again.
 * Drivers that report it once (veth, virtio_net, generic mode) never fire that exception, and
 * their notes are dropped by whatever event comes next.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "xdp_exceptions.h"

/* Just the fields read, located in the running kernel's BTF when the program is loaded. */
struct net {
	__u64 net_cookie;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	possible_net_t nd_net;
	int ifindex;
} __attribute__((preserve_access_index));

struct bpf_prog_aux {
	__u32 id;
} __attribute__((preserve_access_index));

struct bpf_prog {
	struct bpf_prog_aux *aux;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, EXCEPTION_KEYS_MAX);
	__type(key, struct exception_key);
	__type(value, __u64);
} xdp_exceptions SEC(".maps");

struct pending_redirect {
	struct exception_key key; /* the failed redirect's key: action XDP_REDIRECT */
	__u32 armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending_redirect);
} xdp_pending_redirect SEC(".maps");

/*
 * How many events were counted, ever: userspace maps it and reads the table (a batch lookup that
 * walks all of its buckets) only when this moved. Bumped after the count with an atomic add that
 * is not ordered on every architecture (x86's `lock add` is; arm64's relaxed add is not): a CPU
 * may show the bump before the count, so userspace reads the table once more after it saw the
 * bump, and a count is late by one read at most.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} xdp_exception_events SEC(".maps");

static __always_inline void key_of(struct exception_key *key, __u64 dev_arg, __u64 prog_arg, __u32 action)
{
	const struct net_device *dev = (const void *)dev_arg;
	const struct bpf_prog *prog = (const void *)prog_arg;

	key->netns_cookie = BPF_CORE_READ(dev, nd_net.net, net_cookie);
	key->ifindex = BPF_CORE_READ(dev, ifindex);
	key->prog_id = BPF_CORE_READ(prog, aux, id);
	key->action = action > XDP_REDIRECT ? EXCEPTION_INVALID_ACTION : action;
	key->pad = 0;
}

static __always_inline void announce(void)
{
	__u32 slot = 0;
	__u64 *events = bpf_map_lookup_elem(&xdp_exception_events, &slot);

	if (events)
		__sync_fetch_and_add(events, 1);
}

static __always_inline void count(struct exception_key *key)
{
	__u64 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&xdp_exceptions, key);

	if (!value) {
		/* EEXIST when another CPU added it meanwhile: the lookup below finds it either way. */
		bpf_map_update_elem(&xdp_exceptions, key, &zero, BPF_NOEXIST);
		value = bpf_map_lookup_elem(&xdp_exceptions, key);
	}
	if (!value) {
		struct exception_key lost = {};

		lost.action = EXCEPTION_LOST;
		value = bpf_map_lookup_elem(&xdp_exceptions, &lost);
		if (!value)
			return;
	}
	*value += 1;
	announce();
}

static __always_inline int same_key(const struct exception_key *a, const struct exception_key *b)
{
	return a->netns_cookie == b->netns_cookie && a->prog_id == b->prog_id && a->ifindex == b->ifindex &&
	       a->action == b->action;
}

/* TP_PROTO(const struct net_device *dev, const struct bpf_prog *xdp, u32 act) */
SEC("raw_tracepoint/xdp_exception")
int xdptop_exception(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 slot = 0;
	struct pending_redirect *pending = bpf_map_lookup_elem(&xdp_pending_redirect, &slot);
	struct exception_key key;
	int repeated;

	key_of(&key, ctx->args[0], ctx->args[1], (__u32)ctx->args[2]);
	if (!pending) {
		count(&key);
		return 0;
	}
	repeated = pending->armed && same_key(&pending->key, &key);
	pending->armed = 0;
	if (!repeated)
		count(&key);
	return 0;
}

/* TP_PROTO(dev, xdp, tgt, err, map_type, map_id, index) */
SEC("raw_tracepoint/xdp_redirect_err")
int xdptop_redirect_err(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 slot = 0;
	struct pending_redirect *pending = bpf_map_lookup_elem(&xdp_pending_redirect, &slot);
	struct exception_key key;

	key_of(&key, ctx->args[0], ctx->args[1], XDP_REDIRECT);
	count(&key);
	if (pending) {
		pending->key = key;
		pending->armed = 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
