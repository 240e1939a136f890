/**
 * A throwaway socket in this process's network namespace, for the ioctls and socket options
 * that answer for that namespace (ethtool, SIOCGIFNAME, the netns cookie).
 */
import {type LibbpfApi} from './libbpf.js';

const AF_UNIX = 1;
const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2_000_000;

/** struct ifreq on 64-bit Linux: ifr_name[IFNAMSIZ], then a union at 16; 40 bytes. */
export const IFNAMSIZ = 16;
export const IFREQ_SIZE = 40;

/** A socket for those ioctls (AF_INET where the kernel has it, else AF_UNIX); -1 and errno when none opens. */
export function openSocket(api: LibbpfApi): number {
	const fd = api.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd >= 0 ? fd : api.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/**
 * Runs fn with an open socket (AF_INET where the kernel has it, else AF_UNIX: the ioctls asked here
 * work on either) and closes it; -1 and errno left as libc set them when none could be opened.
 */
export function withSocket<T>(api: LibbpfApi, fn: (fd: number) => T): T {
	const fd = openSocket(api);
	try {
		return fn(fd);
	} finally {
		if (fd >= 0) {
			api.close(fd);
		}
	}
}
