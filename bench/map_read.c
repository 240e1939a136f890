// SPDX-License-Identifier: GPL-2.0
/* Anchor for the per-tick cost: every row of a counters map copied out of its memory (mmap), from C,
 * as xdptop reads it each tick. Usage: map_read MAP_ID ITERATIONS; prints ns per copy of the map. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int fd = bpf_map_get_fd_by_id(atoi(argv[1]));
	long iterations = atol(argv[2]);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 1;
	size_t words = (size_t)info.max_entries * info.value_size / 8;
	const volatile uint64_t *mapped = mmap(NULL, words * 8, PROT_READ, MAP_SHARED, fd, 0);
	uint64_t *copy = calloc(words, 8);

	if (mapped == MAP_FAILED || !copy)
		return 1;
	struct timespec start, end;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < iterations; i++)
		for (size_t word = 0; word < words; word++)
			copy[word] = mapped[word];
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
	printf("%.1f\n", ns / iterations);
	return 0;
}
