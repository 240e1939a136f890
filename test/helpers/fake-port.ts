/**
 * A stand-in for the kernel side of the monitor, for component tests: it keeps XDP state per
 * interface and can refuse modes the way a real driver does (HW offload on veth). The real
 * kernel is exercised by the tmux end-to-end test; this one is for the UI's own logic.
 */
import {type ActionResult, type InterfaceRow, type ModeTarget, type MonitorPort, type Snapshot} from '../../source/model/monitor.js';
import {type XdpAttachment, type XdpMode} from '../../source/model/xdp.js';

export function makeRow(name: string, ifindex: number, overrides: Partial<InterfaceRow> = {}): InterfaceRow {
	return {
		key: String(ifindex),
		name,
		ifindex,
		state: 'up',
		driver: 'veth',
		xdp: {attachMode: 'none', attachments: []},
		source: 'kernel',
		rxPps: ifindex * 1000,
		rxBps: ifindex * 8_000_000,
		xdpDropPps: 0,
		stackDropPps: 0,
		errPps: 0,
		exceptions: undefined,
		xdpRxPps: undefined,
		driverXdp: undefined,
		perCpuPps: undefined,
		ppsHistory: [1, 2, 3, 4, 5, 6, 7, 8].map(value => value * ifindex),
		bpsHistory: [],
		actions: undefined,
		protos: undefined,
		runStats: undefined,
		carriesSsh: false,
		warm: true,
		...overrides,
	};
}

export function oursAttachment(mode: XdpMode): XdpAttachment {
	return {mode, progId: 400, progName: 'xdptop_stats', tag: '4c1563d32657389e', ours: true, via: 'link', linkId: 9};
}

export class FakePort implements MonitorPort {
	snapshot: Snapshot;
	readonly calls: Array<{ifindex: number; target: ModeTarget}> = [];
	/** Modes the "driver" refuses, with the message the real port would give. */
	refuse = new Map<XdpMode, string>([['hw', 'hardware offload is not supported by driver veth on veth0; use drv or skb mode']]);
	intervalSeconds = 1;
	paused = false;
	bpfStats = false;
	#listeners = new Set<(snapshot: Snapshot) => void>();

	constructor(rows: readonly InterfaceRow[]) {
		this.snapshot = {
			host: 'testhost',
			kernel: '6.18.0',
			cpus: 2,
			intervalSeconds: 1,
			time: new Date(2026, 10, 25, 14, 2, 31),
			paused: false,
			bpfStats: false,
			rows,
			demo: false,
		};
	}

	async setMode(key: string, target: ModeTarget): Promise<ActionResult> {
		const row = this.snapshot.rows.find(candidate => candidate.key === key);
		this.calls.push({ifindex: row?.ifindex ?? -1, target});
		if (!row) {
			return {ok: false, message: 'no such interface'};
		}
		if (target !== 'off' && this.refuse.has(target)) {
			return {ok: false, message: this.refuse.get(target)!};
		}
		const attachments = target === 'off' ? [] : [oursAttachment(target)];
		this.update(rows =>
			rows.map(candidate =>
				candidate.key === key
					? {...candidate, source: target === 'off' ? 'kernel' : 'xdp', xdp: {attachMode: target === 'off' ? 'none' : target, attachments}}
					: candidate,
			),
		);
		return {ok: true, message: target === 'off' ? `detached xdptop_stats from ${row.name}` : `attached xdptop_stats to ${row.name} in ${target} mode`};
	}

	setIntervalSeconds(seconds: number): void {
		this.intervalSeconds = seconds;
		this.emit({...this.snapshot, intervalSeconds: seconds});
	}

	setPaused(paused: boolean): void {
		this.paused = paused;
		this.emit({...this.snapshot, paused});
	}

	setBpfStats(enabled: boolean): ActionResult {
		this.bpfStats = enabled;
		this.emit({...this.snapshot, bpfStats: enabled});
		return {ok: true, message: enabled ? 'kernel BPF stats on' : 'kernel BPF stats off'};
	}

	focus: string | undefined;

	setFocus(key: string | undefined): void {
		this.focus = key;
	}

	subscribe(listener: (snapshot: Snapshot) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	update(change: (rows: readonly InterfaceRow[]) => readonly InterfaceRow[]): void {
		this.emit({...this.snapshot, rows: change(this.snapshot.rows)});
	}

	emit(snapshot: Snapshot): void {
		this.snapshot = snapshot;
		for (const listener of this.#listeners) {
			listener(snapshot);
		}
	}
}
