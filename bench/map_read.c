// SPDX-License-Identifier: GPL-2.0
/* Anchor for the per-tick cost: one bpf_map_lookup_batch of a whole per-CPU array, from C.
 * Usage: batch_lookup MAP_ID ITERATIONS; prints ns per batch lookup. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int fd = bpf_map_get_fd_by_id(atoi(argv[1]));
	long iterations = atol(argv[2]);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int cpus = libbpf_num_possible_cpus();

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 1;
	__u32 out_batch;
	__u32 *keys = calloc(info.max_entries, sizeof(*keys));
	size_t stride = (info.value_size + 7) / 8 * 8;
	void *values = calloc(info.max_entries, stride * cpus);

	if (!keys || !values)
		return 1;
	struct timespec start, end;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < iterations; i++) {
		__u32 count = info.max_entries;
		int err = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, values, &count, NULL);

		if (err && errno != ENOENT)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
	printf("%.1f\n", ns / iterations);
	return 0;
}
