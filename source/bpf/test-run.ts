/** BPF_PROG_TEST_RUN: runs a loaded program on a crafted frame inside the kernel. */
import {addressOf, check, libbpf} from './libbpf.js';

// struct bpf_test_run_opts (x86-64)
const OPTS_SIZE = 80;
const DATA_IN = 8;
const DATA_SIZE_IN = 24;
const RETVAL = 56;
const REPEAT = 60;
const DURATION = 64;

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
