/**
 * Whether an interface index exists, asked of the kernel directly (SIOCGIFNAME on a socket made
 * in this process's network namespace): no dump, so an interrupted one cannot mislead it, and no
 * sysfs, which may belong to another namespace than ours (nsenter --net keeps the old /sys).
 */
import {closeFd, lastErrno, libbpf} from './libbpf.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2_000_000;
const SIOCGIFNAME = 0x89_10;
/** struct ifreq: ifr_name[IFNAMSIZ = 16], then the union, ifr_ifindex first; 40 bytes on 64-bit. */
const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;
const ENODEV = 19;

export type IndexLookup =
	| {readonly state: 'present'}
	| {readonly state: 'gone'}
	/** The question itself failed: callers treat this as "still there". */
	| {readonly state: 'unknown'; readonly errno: number};

export function lookupIfindex(ifindex: number): IndexLookup {
	let api;
	try {
		api = libbpf();
	} catch {
		return {state: 'unknown', errno: 0};
	}
	const fd = api.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return {state: 'unknown', errno: lastErrno()};
	}
	try {
		const request = Buffer.alloc(IFREQ_SIZE);
		request.writeInt32LE(ifindex, IFNAMSIZ);
		if (api.ioctl(fd, SIOCGIFNAME, request) < 0) {
			const errno = lastErrno();
			return errno === ENODEV ? {state: 'gone'} : {state: 'unknown', errno};
		}
		return {state: 'present'};
	} finally {
		closeFd(fd);
	}
}
