/** What the monitor shows each tick, and the actions it can ask for: plain data and one interface. */
import {type XdpMode, type XdpState} from './xdp.js';

export interface BreakdownRow {
	readonly label: string;
	readonly pps: number | undefined;
}

/** Kernel run-time stats of the program on a row (only while BPF stats are on). */
export interface ProgramRunStats {
	readonly runsPerSecond: number | undefined;
	readonly nsPerRun: number | undefined;
}

/** What the UI needs of a history: an array, or a Ring that is not copied every tick. */
export interface History {
	readonly length: number;
	slice(start?: number, end?: number): number[];
}

export interface InterfaceRow {
	readonly name: string;
	readonly ifindex: number;
	readonly state: string;
	readonly driver: string;
	readonly xdp: XdpState;
	/** Where the rates come from: our XDP counters when ours is attached, else the kernel's. */
	readonly source: 'xdp' | 'kernel';
	/** undefined until a second sample exists (shown as "…"), or when unknown ("—"). */
	readonly rxPps: number | undefined;
	readonly rxBps: number | undefined;
	readonly dropPps: number | undefined;
	/** The kernel's own rx rate, to compare with what XDP saw. */
	readonly kernelRxPps: number | undefined;
	/** Oldest first; the UI reads only what it shows (slice(-n)), so the engine hands over its rings. */
	readonly ppsHistory: History;
	readonly bpsHistory: History;
	readonly actions: readonly BreakdownRow[] | undefined;
	readonly protos: readonly BreakdownRow[] | undefined;
	readonly runStats: ProgramRunStats | undefined;
	/** This interface carries the SSH session of the user running xdptop. */
	readonly carriesSsh: boolean;
	/** Rates need two samples: false on the first tick after the row appeared. */
	readonly warm: boolean;
}

export interface Snapshot {
	readonly host: string;
	readonly kernel: string;
	readonly cpus: number;
	readonly intervalSeconds: number;
	/** Wall-clock time of the sample, for the header only. */
	readonly time: Date;
	readonly paused: boolean;
	readonly bpfStats: boolean;
	readonly rows: readonly InterfaceRow[];
	/** Set when this monitor runs in a --demo namespace. */
	readonly demo: boolean;
}

export type ModeTarget = XdpMode | 'off';

export interface ActionResult {
	readonly ok: boolean;
	readonly message: string;
}

/** The kernel side of the monitor; the UI talks only to this, so tests can hand it a fake. */
export interface MonitorPort {
	/** Attach ours in `mode`, move ours to `mode`, or detach ours with 'off'. */
	setMode(ifindex: number, target: ModeTarget): Promise<ActionResult>;
	setIntervalSeconds(seconds: number): void;
	setPaused(paused: boolean): void;
	setBpfStats(enabled: boolean): ActionResult;
	/** The row in the detail pane: only its protocol breakdown is read each tick. */
	setFocus(ifindex: number | undefined): void;
	/** Called with every new snapshot; returns the unsubscribe function. */
	subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

export const MODE_CYCLE: readonly ModeTarget[] = ['drv', 'skb', 'hw', 'off'];

/**
 * The next mode `m` moves to: after the current one, or after the one last refused on this
 * interface, so that a refused mode is skipped over rather than retried forever.
 */
export function nextModeInCycle(current: ModeTarget, lastRefused: ModeTarget | undefined): ModeTarget {
	const from = lastRefused ?? current;
	return MODE_CYCLE[(MODE_CYCLE.indexOf(from) + 1) % MODE_CYCLE.length]!;
}
