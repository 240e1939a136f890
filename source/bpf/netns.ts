/**
 * The network namespace this process runs in, named by its cookie: a 64-bit number the kernel
 * never reuses while it runs (a namespace's inode number is reused soon after it is freed).
 */
import {checkLibc, libbpf} from './libbpf.js';
import {withSocket} from './socket.js';

const SOL_SOCKET = 1;
const SO_NETNS_COOKIE = 71;

let cookie: bigint | undefined;

export function netnsCookie(): bigint {
	if (cookie === undefined) {
		const api = libbpf();
		cookie = withSocket(api, fd => {
			checkLibc('open a socket', fd);
			const value = Buffer.alloc(8);
			const length = Buffer.alloc(4);
			length.writeUInt32LE(8);
			checkLibc('read the network namespace cookie', api.getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, value, length));
			return value.readBigUInt64LE(0);
		});
	}
	return cookie;
}

const CLONE_NEWNET = 0x40000000;

/**
 * setns(2) for the calling thread, Node's main one: the sockets it opens and the programs it
 * starts from then on are in that namespace. Only before any of them exists (see enterNetns).
 */
export function enterNetworkNamespace(fd: number): void {
	const api = libbpf();
	checkLibc('enter the network namespace', api.setns(fd, CLONE_NEWNET));
	cookie = undefined;
}

/** NS_GET_NSTYPE, _IO(0xb7, 0x3): what kind of namespace an nsfs fd holds. */
const NS_GET_NSTYPE = 0xb7_03;

/** Whether `fd` holds a network namespace (and not a UTS, mount ... one, which nsfs also has). */
export function isNetworkNamespace(fd: number): boolean {
	return libbpf().ioctl(fd, NS_GET_NSTYPE, Buffer.alloc(8)) === CLONE_NEWNET;
}
