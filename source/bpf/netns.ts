/**
 * The network namespace this process runs in, named by its cookie: a 64-bit number the kernel
 * never reuses while it runs (a namespace's inode number is reused soon after it is freed).
 */
import {openSync} from 'node:fs';
import {checkLibc, lastErrno, libbpf} from './libbpf.js';
import {withSocket} from './socket.js';

const SOL_SOCKET = 1;
const SO_NETNS_COOKIE = 71;

let cookie: bigint | undefined;
/** An fd on the namespace the main thread lives in, while it visits another (visitNetworkNamespace). */
let home: number | undefined;
let visiting = false;

/** The cookie of the namespace the calling thread is in now (during a visit: the visited one). */
export function cookieHere(): bigint {
	const api = libbpf();
	return withSocket(api, fd => {
		checkLibc('open a socket', fd);
		const value = Buffer.alloc(8);
		const length = Buffer.alloc(4);
		length.writeUInt32LE(8);
		checkLibc('read the network namespace cookie', api.getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, value, length));
		return value.readBigUInt64LE(0);
	});
}

/** The cookie of this process's own namespace (never of one it is visiting). */
export function netnsCookie(): bigint {
	if (cookie === undefined) {
		if (visiting) {
			throw new Error('the own network namespace cookie was asked for during a visit elsewhere');
		}
		cookie = cookieHere();
	}
	return cookie;
}

const CLONE_NEWNET = 0x40000000;

/**
 * setns(2) for the calling thread, Node's main one: the sockets it opens and the programs it
 * starts from then on are in that namespace. Only before any of them exists (see enterNetns).
 */
export function enterNetworkNamespace(fd: number): void {
	if (home !== undefined) {
		throw new Error('xdptop moves into another network namespace only before it visits any');
	}
	const api = libbpf();
	checkLibc('enter the network namespace', api.setns(fd, CLONE_NEWNET));
	cookie = undefined;
}

/** Runs fn inside one network namespace (visitNetworkNamespace on a held fd). */
export type Visit = <T>(fn: () => T) => T;

/**
 * Runs fn with the main thread in the namespace `fd` holds, and brings it back before returning:
 * fn is synchronous, so no other JavaScript runs meanwhile, and setns moves only this thread
 * (libuv's pool, the terminal and the children already started stay where they are). What fn
 * resolves by ifindex (link create, XDP query, ethtool, SIOCGIFNAME) and the sockets it opens
 * (which stay in that namespace) are that namespace's. fn must not start a process.
 */
export function visitNetworkNamespace<T>(fd: number, fn: () => T): T {
	if (visiting) {
		throw new Error('network namespace visits do not nest');
	}
	const api = libbpf();
	netnsCookie(); // Known before leaving, so that nothing takes the visited one for ours.
	// Sync fs runs on the calling thread: this is the main thread's namespace.
	home ??= openSync('/proc/thread-self/ns/net', 'r');
	checkLibc('enter a network namespace', api.setns(fd, CLONE_NEWNET));
	visiting = true;
	try {
		return fn();
	} finally {
		visiting = false;
		if (api.setns(home, CLONE_NEWNET) !== 0) {
			// Every later socket of this thread would be there: nothing this process does could be trusted.
			process.stderr.write(`xdptop: cannot return to its own network namespace (errno ${lastErrno()})\n`);
			process.exit(70);
		}
	}
}

/** NS_GET_NSTYPE, _IO(0xb7, 0x3): what kind of namespace an nsfs fd holds. */
const NS_GET_NSTYPE = 0xb7_03;

/** Whether `fd` holds a network namespace (and not a UTS, mount ... one, which nsfs also has). */
export function isNetworkNamespace(fd: number): boolean {
	return libbpf().ioctl(fd, NS_GET_NSTYPE, Buffer.alloc(8)) === CLONE_NEWNET;
}
