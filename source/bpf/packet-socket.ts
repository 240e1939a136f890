/**
 * Raw Ethernet frames out of one interface of another network namespace, from this process: the
 * demo's traffic, so that it needs no packet generator installed. The socket is made while this
 * thread visits the namespace (setns moves only the calling thread), and keeps sending there
 * after the thread has come back.
 */
import {closeSync, openSync} from 'node:fs';
import {BpfError} from './errors.js';
import {checkLibc, lastErrno, libbpf} from './libbpf.js';

const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2_000_000;
const CLONE_NEWNET = 0x40_00_00_00;
/** struct sockaddr_ll: family, protocol (big-endian), ifindex, hatype, pkttype, halen, addr[8]. */
const SOCKADDR_LL_SIZE = 20;

export interface PacketSocket {
	/** Sends one frame as it is (Ethernet header included); false when the kernel refused it. */
	send(frame: Buffer): boolean;
	close(): void;
}

/**
 * Opens a send-only packet socket on `ifname` in the namespace mounted at `namespacePath`
 * (protocol 0: it receives nothing). This thread is back in its own namespace when it returns,
 * or throws.
 */
export function openPacketSocket(namespacePath: string, ifname: string): PacketSocket {
	const api = libbpf();
	const home = openSync('/proc/thread-self/ns/net', 'r');
	const target = openSync(namespacePath, 'r');
	let fd = -1;
	try {
		checkLibc(`enter the network namespace ${namespacePath}`, api.setns(target, CLONE_NEWNET));
		try {
			fd = checkLibc('open a packet socket', api.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
			const ifindex = api.ifNameToIndex(ifname);
			if (ifindex === 0) {
				throw new BpfError(`no interface ${ifname} in ${namespacePath}`, lastErrno() || 19);
			}
			const address = Buffer.alloc(SOCKADDR_LL_SIZE);
			address.writeUInt16LE(AF_PACKET, 0);
			address.writeInt32LE(ifindex, 4);
			checkLibc(`bind a packet socket to ${ifname}`, api.bind(fd, address, address.length));
		} finally {
			// Coming back is not optional: every later socket of this thread would land there.
			if (api.setns(home, CLONE_NEWNET) !== 0) {
				throw new Error(`cannot return to this process's network namespace (errno ${lastErrno()})`);
			}
		}
	} catch (error) {
		if (fd >= 0) {
			api.close(fd);
		}
		throw error;
	} finally {
		closeSync(target);
		closeSync(home);
	}
	let open = true;
	return {
		send: frame => open && api.send(fd, frame, frame.length, 0) === frame.length,
		close() {
			if (open) {
				open = false;
				api.close(fd);
			}
		},
	};
}
