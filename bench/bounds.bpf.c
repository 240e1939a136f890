// SPDX-License-Identifier: GPL-2.0
/*
 * xdptop's rows (bench/rows.bpf.c) behind the bounds check that the verifier asks of any program
 * before it reads a byte of the frame, and no byte read: the class is the bench frame's own when
 * its IPv4 header fits, else "malformed". Against rows, what that check alone costs; it is the
 * first step of any parse, so against datarec it is a floor for a program that classifies frames
 * with these counters.
 */
#define BENCH_BOUNDS_CHECK
#include "rows.bpf.c"
