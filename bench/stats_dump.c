// SPDX-License-Identifier: GPL-2.0
/* Anchor for the kernel's counters: the RTM_GETSTATS dump xdptop makes (IFLA_STATS_LINK_64 only),
 * from C, messages counted and not parsed: what the kernel alone costs.
 * Usage: stats_dump ITERATIONS; prints the median ns per dump. */
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static char buffer[64 * 1024];

static double now_ns(void)
{
	struct timespec at;

	clock_gettime(CLOCK_MONOTONIC, &at);
	return at.tv_sec * 1e9 + at.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int iterations = atoi(argv[1]);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	double *samples = calloc(iterations, sizeof(*samples));

	if (fd < 0 || iterations < 1 || !samples)
		return 1;
	for (int round = 0; round < iterations; round++) {
		struct {
			struct nlmsghdr header;
			struct if_stats_msg body;
		} request;

		memset(&request, 0, sizeof(request));
		request.header.nlmsg_len = sizeof(request);
		request.header.nlmsg_type = RTM_GETSTATS;
		request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		request.header.nlmsg_seq = round + 1;
		request.body.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
		double start = now_ns();
		if (send(fd, &request, sizeof(request), 0) < 0)
			return 1;
		for (int done = 0; !done;) {
			int received = recv(fd, buffer, sizeof(buffer), 0);

			if (received < 0)
				return 1;
			for (struct nlmsghdr *message = (void *)buffer; NLMSG_OK(message, received);
			     message = NLMSG_NEXT(message, received)) {
				if (message->nlmsg_type == NLMSG_ERROR)
					return 1;
				if (message->nlmsg_type == NLMSG_DONE) {
					done = 1;
					break;
				}
			}
		}
		samples[round] = now_ns() - start;
	}
	qsort(samples, iterations, sizeof(*samples), by_value);
	printf("%.0f\n", samples[iterations / 2]);
	return 0;
}
