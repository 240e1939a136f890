/**
 * The network namespaces the monitor reads: its own, and with -A every other one of the host,
 * found again on each scan. A namespace no longer reachable (deleted, its last process gone) is
 * handed to onRelease and closed: the fd that would keep it alive goes.
 */
import {readdirSync, readlinkSync, statSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {escapeControl} from '../model/escape.js';
import {type RowNetns} from '../model/monitor.js';
import {netnsTitle, parseNsLink} from '../model/netns.js';
import {closeNamespaces, holdNamespaces} from '../net/namespaces.js';
import {NetnsProbe} from '../net/netns-probe.js';

/** A full scan at least this often: it also sees a process that moved to another namespace, or a new nsfs mount. */
const FULL_SCAN_MS = 5000;

export class NamespaceProbes {
	readonly own: NetnsProbe;
	/** By inode (unique while held), in the order the last scan found them. */
	#others = new Map<number, NetnsProbe>();
	readonly #notice: (text: string) => void;
	/** What the last full scan saw: each process's namespace, /run/netns's mtime, and when. */
	#pids = new Map<number, number | undefined>();
	#namedMtimeMs: number | undefined;
	#scannedAtMs = Number.NEGATIVE_INFINITY;

	constructor(notice: (text: string) => void) {
		this.#notice = notice;
		this.own = NetnsProbe.own(notice);
	}

	/** The own namespace first. */
	all(): NetnsProbe[] {
		return [this.own, ...this.#others.values()];
	}

	/**
	 * Whether the namespaces may have changed since the last full scan: /run/netns changed, a new
	 * process is in a namespace not shown, a process in another namespace than ours exited (it may
	 * have been its last), or the last full scan is FULL_SCAN_MS old. Cheap: one stat, one readdir
	 * of /proc, one readlink per new process.
	 */
	#mayHaveChanged(): boolean {
		if (performance.now() - this.#scannedAtMs >= FULL_SCAN_MS || namedMtimeMs() !== this.#namedMtimeMs) {
			return true;
		}
		const pids = processIds();
		const known = new Set(this.#others.keys());
		for (const pid of pids) {
			if (!this.#pids.has(pid)) {
				const inode = namespaceOf(pid);
				if (inode !== undefined && inode !== this.own.inode && !known.has(inode)) {
					return true;
				}
				this.#pids.set(pid, inode);
			}
		}
		if (this.#pids.size > pids.length) {
			const alive = new Set(pids);
			for (const [pid, inode] of this.#pids) {
				if (!alive.has(pid)) {
					if (inode !== undefined && inode !== this.own.inode) {
						return true;
					}
					this.#pids.delete(pid);
				}
			}
		}
		return false;
	}

	/** Finds the host's namespaces again (fully only when they may have changed): new ones get a probe, the ones gone are released. */
	rescan(onRelease: (probe: NetnsProbe) => void): void {
		if (!this.#mayHaveChanged()) {
			return;
		}
		this.#namedMtimeMs = namedMtimeMs();
		this.#scannedAtMs = performance.now();
		this.#pids = new Map(processIds().map(pid => [pid, namespaceOf(pid)]));
		const others = new Map<number, NetnsProbe>();
		for (const namespace of holdNamespaces()) {
			const {fd: _fd, own, ...label} = namespace;
			const known = own ? this.own : this.#others.get(label.inode);
			if (known) {
				known.label = label;
				closeNamespaces([namespace]);
				if (!own) {
					others.set(label.inode, known);
				}
				continue;
			}
			try {
				others.set(label.inode, NetnsProbe.of(namespace, reason => this.#notice(`netns ${escapeControl(netnsTitle(label))}: ${reason}`)));
			} catch {
				// Cannot be visited (gone meanwhile): the next scan tries again.
			} finally {
				closeNamespaces([namespace]);
			}
		}
		for (const [inode, probe] of this.#others) {
			if (!others.has(inode)) {
				try {
					onRelease(probe);
				} finally {
					probe.close();
				}
			}
		}
		this.#others = others;
	}

	/** What a row of this namespace says of it: its title, and where it sorts (`order` in all(): own first). */
	netnsOf(probe: NetnsProbe, order: number): RowNetns {
		const title = probe.own ? (probe.label?.name ?? 'own') : probe.label ? netnsTitle(probe.label) : '?';
		return {title, order};
	}

	close(): void {
		for (const probe of this.all()) {
			probe.close();
		}
		this.#others.clear();
	}
}

function namedMtimeMs(): number | undefined {
	return statSync('/run/netns', {throwIfNoEntry: false})?.mtimeMs;
}

function processIds(): number[] {
	return readdirSync('/proc').filter(entry => entry.charCodeAt(0) <= 57 && /^\d+$/.test(entry)).map(Number);
}

/** The inode of a process's network namespace; undefined for a kernel thread or one gone. */
function namespaceOf(pid: number): number | undefined {
	try {
		return parseNsLink(readlinkSync(`/proc/${pid}/ns/net`));
	} catch {
		return undefined;
	}
}
