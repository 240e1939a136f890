/**
 * The network namespace this process runs in, named by its cookie: a 64-bit number the kernel
 * never reuses while it runs (a namespace's inode number is reused soon after it is freed).
 */
import {checkLibc, closeFd, libbpf} from './libbpf.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2_000_000;
const SOL_SOCKET = 1;
const SO_NETNS_COOKIE = 71;

let cookie: bigint | undefined;

export function netnsCookie(): bigint {
	if (cookie === undefined) {
		const api = libbpf();
		const fd = checkLibc('open a socket', api.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
		try {
			const value = Buffer.alloc(8);
			const length = Buffer.alloc(4);
			length.writeUInt32LE(8);
			checkLibc('read the network namespace cookie', api.getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, value, length));
			cookie = value.readBigUInt64LE(0);
		} finally {
			closeFd(fd);
		}
	}
	return cookie;
}
