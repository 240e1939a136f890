/**
 * Whether an interface index exists, asked of the kernel directly (SIOCGIFNAME on a socket made
 * in this process's network namespace): no dump, so an interrupted one cannot mislead it, and no
 * sysfs, which may belong to another namespace than ours (nsenter --net keeps the old /sys).
 */
import {lastErrno, libbpf} from './libbpf.js';
import {IFNAMSIZ, IFREQ_SIZE, withSocket} from './socket.js';

const SIOCGIFNAME = 0x89_10;
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
	return withSocket(api, (fd): IndexLookup => {
		if (fd < 0) {
			return {state: 'unknown', errno: lastErrno()};
		}
		// ifr_ifindex is the first member of the union after ifr_name.
		const request = Buffer.alloc(IFREQ_SIZE);
		request.writeInt32LE(ifindex, IFNAMSIZ);
		if (api.ioctl(fd, SIOCGIFNAME, request) < 0) {
			const errno = lastErrno();
			return errno === ENODEV ? {state: 'gone'} : {state: 'unknown', errno};
		}
		return {state: 'present'};
	});
}
