/**
 * One side of the two-CPU contention case: opens a pinned program, waits for "go" on stdin so
 * both sides start together, runs it `repeat` times through BPF_PROG_TEST_RUN, prints ns of CPU per run.
 */
import {once} from 'node:events';
import {check, libbpf} from '../source/bpf/libbpf.js';
import {cpuNsPerRun} from './packet-path.js';
import {ethernet, ipv4, IPPROTO_UDP, ETH_P_IP, padded} from '../source/demo/frames.js';

const [pin, repeatText] = process.argv.slice(2);
const fd = check('open pinned program', libbpf().objGet(pin!));
const frame = padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, 18)), 64);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdout.write(`${cpuNsPerRun(fd, frame, Number(repeatText))}\n`);
process.exit(0);
