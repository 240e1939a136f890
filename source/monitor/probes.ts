/**
 * The network namespaces the monitor reads: its own, and with -A every other one of the host,
 * found again on each scan. A namespace no longer reachable (deleted, its last process gone) is
 * handed to onRelease and closed: the fd that would keep it alive goes.
 */
import {escapeControl} from '../model/escape.js';
import {type RowNetns} from '../model/monitor.js';
import {netnsTitle} from '../model/netns.js';
import {closeNamespaces, holdNamespaces} from '../net/namespaces.js';
import {NetnsProbe} from '../net/netns-probe.js';

export class NamespaceProbes {
	readonly own: NetnsProbe;
	/** By inode (unique while held), in the order the last scan found them. */
	#others = new Map<number, NetnsProbe>();
	readonly #notice: (text: string) => void;

	constructor(notice: (text: string) => void) {
		this.#notice = notice;
		this.own = NetnsProbe.own(notice);
	}

	/** The own namespace first. */
	all(): NetnsProbe[] {
		return [this.own, ...this.#others.values()];
	}

	/** Still shown: not let go by a scan since it was handed out. */
	current(probe: NetnsProbe): boolean {
		return probe.own || this.#others.get(probe.inode ?? -1) === probe;
	}

	/** Finds the host's namespaces again: new ones get a probe, the ones gone are released. */
	rescan(onRelease: (probe: NetnsProbe) => void): void {
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
				closeNamespaces([namespace]); // Cannot be visited (gone meanwhile): the next scan tries again.
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

	/** What a row of this namespace says of it: its title, and where it sorts (own first). */
	netnsOf(probe: NetnsProbe): RowNetns {
		if (probe.own) {
			return {title: probe.label?.name ?? 'own', order: 0};
		}
		return {title: probe.label ? netnsTitle(probe.label) : '?', order: [...this.#others.values()].indexOf(probe) + 1};
	}

	close(): void {
		for (const probe of this.all()) {
			probe.close();
		}
		this.#others.clear();
	}
}
