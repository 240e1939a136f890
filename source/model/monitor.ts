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
	/** Percent of one CPU spent running it. */
	readonly cpuPercent: number | undefined;
}

/** What the UI needs of a history: an array, or a Ring that is not copied every tick. */
export interface History {
	readonly length: number;
	slice(start?: number, end?: number): number[];
}

/**
 * What a native-mode program that is not ours does, from the driver's own counters: verdict
 * rates (pps undefined where the driver gives no source: shown "—"), or why there are none.
 */
export interface DriverXdpView {
	readonly driver: string;
	/** In XDP_ACTIONS order; undefined until two samples exist. */
	readonly verdicts: readonly BreakdownRow[] | undefined;
	/** What the numbers mean for this driver (derived verdicts, verdicts counted inside others). */
	readonly notes: readonly string[];
	/** Set when there are no such counters to read, saying why. */
	readonly unavailable: string | undefined;
}

/** Exceptions of the programs on a row, from xdptop's tracepoint programs (any mode, anyone's). */
export interface ExceptionsView {
	/** Actions that failed since the last sample, with their rates (empty when none did); undefined until known. */
	readonly byAction: readonly BreakdownRow[] | undefined;
	/** Set when they cannot be counted on this host, saying why. */
	readonly unavailable: string | undefined;
}

/** The network namespace of a row, when the monitor shows every namespace (-A). */
export interface RowNetns {
	/** Its name, else command:PID (model/netns.ts netnsTitle). */
	readonly title: string;
	/** Where its rows sort: xdptop's own namespace first (0), then in the order `list -A` gives. */
	readonly order: number;
}

export interface InterfaceRow {
	/** Unique among the rows: the ifindex, qualified by the namespace's inode outside xdptop's own. */
	readonly key: string;
	readonly name: string;
	readonly ifindex: number;
	readonly netns?: RowNetns | undefined;
	readonly state: string;
	readonly driver: string;
	readonly xdp: XdpState;
	/** Where the breakdown comes from: our XDP counters when ours is attached, else none. */
	readonly source: 'xdp' | 'kernel';
	/**
	 * What the interface received, from the kernel's interface counters whatever is attached:
	 * undefined until a second sample exists (shown as "…"), or when unknown ("—").
	 */
	readonly rxPps: number | undefined;
	readonly rxBps: number | undefined;
	/**
	 * XDP_DROP verdicts per second, from whichever source there is: our program's counters, or the
	 * driver's for someone else's native program; 0 with no program; undefined ("—") with no source.
	 */
	readonly xdpDropPps: number | undefined;
	/**
	 * XDP exceptions per second of whatever program is attached (XDP_ABORTED, an invalid action, an
	 * XDP_TX or redirect that failed), from the kernel's tracepoints; 0 with no program; undefined
	 * ("—") where they cannot be counted.
	 */
	readonly errPps: number | undefined;
	/** Set while a program is attached: the exceptions by action, or why there are none. */
	readonly exceptions: ExceptionsView | undefined;
	/** The stack's own drops (the kernel's rx_dropped), whatever is attached. */
	readonly stackDropPps: number | undefined;
	/** What our program saw, to compare with what the interface received (ours attached only). */
	readonly xdpRxPps: number | undefined;
	/** Oldest first; the UI reads only what it shows (slice(-n)), so the engine hands over its rings. */
	readonly ppsHistory: History;
	readonly bpsHistory: History;
	readonly actions: readonly BreakdownRow[] | undefined;
	readonly protos: readonly BreakdownRow[] | undefined;
	readonly runStats: ProgramRunStats | undefined;
	/** Frames per second our program counted on each CPU: the selected interface, ours attached. */
	readonly perCpuPps: ReadonlyArray<number | undefined> | undefined;
	/** Set while a native-mode program that is not ours is attached (see DriverXdpView). */
	readonly driverXdp: DriverXdpView | undefined;
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
	/**
	 * Set while the next sample is late (see staleSeconds): how old, in whole seconds, the numbers
	 * on screen are. The rows' rates are then unknown (see markStale), not the old ones shown as live.
	 */
	readonly staleSeconds?: number | undefined;
	/** With -A: how many network namespaces the rows come from. */
	readonly namespaces?: number | undefined;
	/** XDP attachments in the other network namespaces of the host, and in how many; undefined until looked. */
	readonly elsewhere?: {readonly attachments: number; readonly namespaces: number} | undefined;
	/** The monitor's own news for the status line (it restarted ip ...): a new object per event. */
	readonly notice?: Notice | undefined;
}

export interface Notice {
	readonly text: string;
}

/** A sample is late once more than this many intervals have passed without one ... */
export const LATE_AFTER_INTERVALS = 2;
/** ... and at least this long: at 0.1 s a tick of 500 interfaces can take longer than an interval. */
export const LATE_AFTER_MIN_MS = 1000;

/**
 * Whole seconds since the last sample, when it is late: more than two intervals (and a second)
 * since it was taken, or since sampling (re)started (`sinceMs`: start, resume, a new interval),
 * whichever is later, so a pause or a longer interval does not count as lateness. undefined
 * when on time.
 */
export function staleSeconds(nowMs: number, lastSampleMs: number, sinceMs: number, intervalSeconds: number): number | undefined {
	const lateAtMs = Math.max(lastSampleMs, sinceMs) + Math.max(LATE_AFTER_INTERVALS * intervalSeconds * 1000, LATE_AFTER_MIN_MS);
	if (nowMs <= lateAtMs) {
		return undefined;
	}
	return Math.max(1, Math.floor((nowMs - lastSampleMs) / 1000));
}

/**
 * The snapshot as it may be shown while late: what is attached where still holds, but no rate is
 * current, so each row looks as before its first interval ("…", no breakdown). Rates stay for
 * sorting only, so rows do not jump about while the monitor waits.
 */
export function markStale(snapshot: Snapshot, seconds: number): Snapshot {
	return {
		...snapshot,
		staleSeconds: seconds,
		rows: snapshot.rows.map(row => (row.warm || row.actions || row.protos || row.runStats || row.xdpRxPps !== undefined || row.driverXdp?.verdicts || row.perCpuPps || row.exceptions?.byAction
			? {
					...row,
					warm: false,
					xdpRxPps: undefined,
					actions: undefined,
					protos: undefined,
					runStats: undefined,
					driverXdp: row.driverXdp && {...row.driverXdp, verdicts: undefined},
					exceptions: row.exceptions && {...row.exceptions, byAction: undefined},
					perCpuPps: undefined,
				}
			: row)),
	};
}

export type ModeTarget = XdpMode | 'off';

export interface ActionResult {
	readonly ok: boolean;
	readonly message: string;
}

/** The kernel side of the monitor; the UI talks only to this, so tests can hand it a fake. */
export interface MonitorPort {
	/** Attach ours in `mode`, move ours to `mode`, or detach ours with 'off'. */
	setMode(key: string, target: ModeTarget): Promise<ActionResult>;
	setIntervalSeconds(seconds: number): void;
	setPaused(paused: boolean): void;
	setBpfStats(enabled: boolean): ActionResult;
	/** The row in the detail pane: only its protocol breakdown is read each tick. */
	setFocus(key: string | undefined): void;
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
