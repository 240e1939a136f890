/** BPF_PROG_TEST_RUN: runs a loaded program on a crafted frame, or with crafted arguments, inside the kernel. */
import {addressOf, check, libbpf} from './libbpf.js';

// struct bpf_test_run_opts (x86-64)
const OPTS_SIZE = 80;
const DATA_IN = 8;
const DATA_SIZE_IN = 24;
const CTX_IN = 32;
const CTX_SIZE_IN = 48;
const RETVAL = 56;
const REPEAT = 60;
const DURATION = 64;
const FLAGS = 68;
const CPU = 72;
const BPF_F_TEST_RUN_ON_CPU = 1;

export interface TestRunResult {
	/** The XDP verdict of the last run. */
	readonly retval: number;
	/** Average ns per run, as the kernel measured it. */
	readonly durationNs: number;
}

export function testRun(progFd: number, frame: Buffer, repeat = 1): TestRunResult {
	const data = Buffer.from(frame); // A private copy: its address must stay valid for the call.
	const opts = Buffer.alloc(OPTS_SIZE);
	opts.writeBigUInt64LE(BigInt(OPTS_SIZE), 0);
	opts.writeBigUInt64LE(addressOf(data), DATA_IN);
	opts.writeUInt32LE(data.length, DATA_SIZE_IN);
	opts.writeUInt32LE(repeat, REPEAT);
	check('test-run the program', libbpf().progTestRun(progFd, opts));
	return {retval: opts.readUInt32LE(RETVAL), durationNs: opts.readUInt32LE(DURATION)};
}

/** Runs a raw tracepoint program once with these u64 arguments, on that CPU; its return value. */
export function testRunRawTracepoint(progFd: number, args: readonly bigint[], cpu: number): number {
	const context = Buffer.alloc(args.length * 8);
	args.forEach((value, index) => context.writeBigUInt64LE(value, index * 8));
	const opts = Buffer.alloc(OPTS_SIZE);
	opts.writeBigUInt64LE(BigInt(OPTS_SIZE), 0);
	opts.writeBigUInt64LE(addressOf(context), CTX_IN);
	opts.writeUInt32LE(context.length, CTX_SIZE_IN);
	opts.writeUInt32LE(BPF_F_TEST_RUN_ON_CPU, FLAGS);
	opts.writeUInt32LE(cpu, CPU);
	check('test-run the program', libbpf().progTestRun(progFd, opts));
	return opts.readUInt32LE(RETVAL);
}
