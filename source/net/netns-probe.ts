/**
 * What the monitor reads in one network namespace, each tick: its interfaces, the kernel's
 * counters and the driver counters. At home, interfaces come from the long-lived ip; in another
 * namespace, from a netlink socket made there (no process of xdptop lives there: nothing of ours
 * keeps a deleted namespace looking alive), as do the counters and the ethtool socket. Another
 * namespace is held by an fd for as long as it is shown; the main thread visits it only to make
 * those sockets and for the system calls that resolve an ifindex (bpf/netns.ts).
 */
import {closeSync, openSync} from 'node:fs';
import {cookieHere, visitNetworkNamespace, type Visit} from '../bpf/netns.js';
import {type NetnsHandle} from '../bpf/session.js';
import {type NetnsLabel} from '../model/netns.js';
import {DriverCounters} from './driver-counters.js';
import {InterfaceLister, NamespaceLister, type NetInterface} from './interfaces.js';
import {KernelCounters} from './kernel-counters.js';
import {type HeldNetns} from './namespaces.js';

export class NetnsProbe {
	/** This process's own namespace: no fd, no visits. */
	static own(onRestart: (reason: string) => void, label?: NetnsLabel): NetnsProbe {
		return new NetnsProbe(undefined, label, onRestart);
	}

	/**
	 * Holds the namespace through an fd of its own, opened from inside it (/proc/thread-self/ns/net
	 * during a visit), not the one opened by path: an open file on a bind mount (/run/netns/NAME)
	 * would keep `umount` from unmounting it. The caller closes `held.fd`.
	 */
	static of(held: HeldNetns, onRestart: (reason: string) => void): NetnsProbe {
		const {fd: _fd, own: _own, ...label} = held;
		const [fd, cookie] = visitNetworkNamespace(held.fd, () => [openSync('/proc/thread-self/ns/net', 'r'), cookieHere()] as const);
		return new NetnsProbe({fd, cookie}, label, onRestart);
	}

	readonly lister: {list(timeoutMs?: number): Promise<NetInterface[]>; close(): void};
	readonly kernelCounters: KernelCounters;
	readonly driverCounters: DriverCounters;
	/** For the session: undefined for this process's own namespace. */
	readonly handle: NetnsHandle | undefined;
	/** Not listed yet: kept attachments there are adopted at its first listing. */
	fresh = true;
	/** Who holds it, as the last scan of the host found (a holder can exit and another remain). */
	label: NetnsLabel | undefined;
	readonly #fd: number | undefined;
	#closed = false;

	private constructor(held: {fd: number; cookie: bigint} | undefined, label: NetnsLabel | undefined, onRestart: (reason: string) => void) {
		this.#fd = held?.fd;
		this.label = label;
		// Once closed, its fd number may be another namespace's: a late action fails instead of going there.
		const within: Visit | undefined = held
			? fn => {
					if (this.#closed) {
						throw new Error('that network namespace is gone');
					}
					return visitNetworkNamespace(held.fd, () => {
						if (cookieHere() !== held.cookie) {
							throw new Error('that network namespace is gone');
						}
						return fn();
					});
				}
			: undefined;
		this.handle = held && within ? {cookie: held.cookie, within} : undefined;
		this.lister = within ? new NamespaceLister(within) : new InterfaceLister({onRestart});
		this.kernelCounters = new KernelCounters(within);
		this.driverCounters = new DriverCounters(within);
	}

	get own(): boolean {
		return this.handle === undefined;
	}

	/** The inode of the namespace: unique among those held, since a held one cannot be freed. */
	get inode(): number | undefined {
		return this.label?.inode;
	}

	/** Runs fn where this namespace's ifindexes mean its interfaces. */
	within<T>(fn: () => T): T {
		return this.handle ? this.handle.within(fn) : fn();
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.lister.close();
		this.kernelCounters.close();
		this.driverCounters.close();
		if (this.#fd !== undefined) {
			closeSync(this.#fd);
		}
	}
}
