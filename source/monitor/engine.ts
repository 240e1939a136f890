/**
 * The kernel side of the monitor: every tick it reads the interfaces, their XDP state, the
 * kernel's counters (one read) and our maps (one copy of each out of memory), turns them into rates and
 * histories, and hands the UI a snapshot. It also carries out attach / move / detach.
 */
import {hostname, release} from 'node:os';
import {performance} from 'node:perf_hooks';
import {XDP_ACTIONS, PROTO_LABELS} from '../bpf/abi.js';
import {elsewhere, listAllNamespaces} from '../commands/all-namespaces.js';
import {withXdpState} from '../commands/inventory.js';
import {BpfError} from '../bpf/errors.js';
import {lookupIfindex} from '../bpf/ifindex.js';
import {programInfo} from '../bpf/info.js';
import {possibleCpuCount} from '../bpf/maps.js';
import {type Place, type XdpSession} from '../bpf/session.js';
import {bpfStatsEnabled, setBpfStats} from '../bpf/stats.js';
import {queryXdp} from '../bpf/xdp.js';
import {escapeControl} from '../model/escape.js';
import {selectsInterface} from '../model/ifname.js';
import {
	markStale,
	staleSeconds,
	type ActionResult,
	type BreakdownRow,
	type DriverXdpView,
	type InterfaceRow,
	type ModeTarget,
	type MonitorPort,
	type Snapshot,
} from '../model/monitor.js';
import {ratePerSecond} from '../model/rates.js';
import {Ring} from '../model/ring.js';
import {computeRates, runRates, type DriverRates, type InterfaceSample, type RateRow} from '../model/sample.js';
import {hasForeignNative, type XdpState} from '../model/xdp.js';
import {type DriverReading} from '../net/driver-counters.js';
import {ExceptionCounts} from '../net/exception-counts.js';
import {ProgramFactsCollector} from '../bpf/ownership.js';
import {type NetInterface} from '../net/interfaces.js';
import {type LinkCounters} from '../net/kernel-counters.js';
import {type NetnsProbe} from '../net/netns-probe.js';
import {netnsTitle} from '../model/netns.js';
import {NamespaceProbes} from './probes.js';

const HISTORY = 120;
/**
 * How often the other network namespaces are looked at (a netlink dump in each): for the
 * header's count of XDP elsewhere, which is news, not a rate.
 */
const ELSEWHERE_MS = 120_000;
/** How often the watchdog looks at the age of the last sample: "stale N s" counts in seconds. */
const WATCHDOG_MS = 250;
/** ip may take this long to answer (or two intervals, when longer) before it counts as hung. */
const IP_ANSWER_MS = 3000;

export interface EngineOptions {
	readonly intervalSeconds: number;
	/** Only these interfaces (-i); all when empty. */
	readonly interfaces: readonly string[];
	readonly sshInterface: string | undefined;
	readonly demo: boolean;
	/** -A: every network namespace of the host, in one table. */
	readonly allNamespaces?: boolean;
}

/** An interface, where it is: the namespace it was listed in, and its row's key. */
interface Placed {
	readonly probe: NetnsProbe;
	readonly entry: NetInterface;
	readonly key: string;
}

const rowKey = (probe: NetnsProbe, ifindex: number): string => (probe.own ? String(ifindex) : `${probe.inode}:${ifindex}`);

const placeOf = ({probe, entry}: Placed): Place => ({ifindex: entry.ifindex, netns: probe.handle});

/** One namespace's part of a tick: its interfaces and counters, or nothing when they could not be read. */
interface Listed {
	readonly probe: NetnsProbe;
	readonly interfaces: NetInterface[];
	readonly kernel: ReadonlyMap<number, LinkCounters>;
}

interface Tracked {
	readonly place: Place;
	readonly name: string;
	readonly sample: InterfaceSample;
	readonly dropped: bigint | undefined;
	readonly pps: Ring<number>;
	readonly bps: Ring<number>;
	readonly run: {readonly progId: number; readonly atMs: number; readonly count: bigint; readonly timeNs: bigint} | undefined;
}

function breakdown(labels: readonly string[], rows: readonly RateRow[] | undefined): BreakdownRow[] | undefined {
	return rows?.map((row, index) => ({label: labels[index] ?? String(index), pps: row.pps}));
}

/** The row's view of a foreign native program's driver counters, from this tick's reading and rates. */
function driverView(driver: string, reading: DriverReading, rates: DriverRates | undefined): DriverXdpView {
	if (reading.kind === 'none') {
		return {driver, verdicts: undefined, notes: [], unavailable: reading.reason};
	}
	return {
		driver,
		verdicts: rates ? XDP_ACTIONS.map(label => ({label, pps: rates.verdicts[label]?.pps})) : undefined,
		notes: reading.notes,
		unavailable: undefined,
	};
}

function sum(rows: readonly RateRow[], pick: (row: RateRow) => number | undefined): number | undefined {
	let total = 0;
	for (const row of rows) {
		const value = pick(row);
		if (value === undefined) {
			return undefined;
		}
		total += value;
	}
	return total;
}

export class MonitorEngine implements MonitorPort {
	readonly #session: XdpSession;
	readonly #options: EngineOptions;
	readonly #tracked = new Map<string, Tracked>();
	readonly #listeners = new Set<(snapshot: Snapshot) => void>();
	readonly #facts = new ProgramFactsCollector();
	readonly #exceptions = new ExceptionCounts();
	readonly #probes = new NamespaceProbes(text => this.#notice(text));
	#inventory: Placed[] = [];
	#watchdog: NodeJS.Timeout | undefined;
	#elsewhereTimer: NodeJS.Timeout | undefined;
	#lookingElsewhere = false;
	/** performance.now() of the last sample, and of the last (re)start of sampling. */
	#lastSampleMs = performance.now();
	#sinceMs = performance.now();
	#intervalSeconds: number;
	#paused = false;
	#focus: string | undefined;
	#timer: NodeJS.Timeout | undefined;
	#stopped = false;
	#ticking: Promise<void> | undefined;
	#snapshot: Snapshot;
	/** Counts attach/move/detach; per interface, the count at its last change (see #sample). */
	#xdpChanges = 0;
	readonly #changedAt = new Map<string, number>();

	constructor(session: XdpSession, options: EngineOptions) {
		this.#session = session;
		this.#options = options;
		this.#intervalSeconds = options.intervalSeconds;
		this.#snapshot = {
			host: hostname(),
			kernel: release().split('-')[0] ?? release(),
			cpus: possibleCpuCount(),
			intervalSeconds: options.intervalSeconds,
			time: new Date(),
			paused: false,
			bpfStats: false,
			rows: [],
			demo: options.demo,
		};
	}

	get snapshot(): Snapshot {
		return this.#snapshot;
	}

	/** The interfaces of xdptop's own namespace. */
	get inventory(): readonly NetInterface[] {
		return this.#inventory.filter(placed => placed.probe.own).map(placed => placed.entry);
	}

	#notice(text: string): void {
		this.#emit({...this.#snapshot, notice: {text}});
	}

	/** The first sample, taken before the UI appears: the table is there at once, rates after one interval. */
	async start(): Promise<void> {
		await this.tick();
		// Loaded once the first frame is out: it does not wait for that, the first rates do not need it.
		setImmediate(() => {
			if (!this.#stopped) {
				this.#exceptions.start();
			}
		});
		this.#schedule();
		this.#watchdog = setInterval(() => this.#watch(), WATCHDOG_MS);
		this.#watchdog.unref();
		if (!this.#options.demo && !this.#options.allNamespaces) {
			// Once the first frames are out: the count is news, not something to wait for.
			setTimeout(() => void this.#lookElsewhere(), 1000).unref();
			this.#elsewhereTimer = setInterval(() => void this.#lookElsewhere(), ELSEWHERE_MS);
			this.#elsewhereTimer.unref();
		}
	}

	/** Counts the XDP attachments of the other namespaces, for the header. A failure counts nothing. */
	async #lookElsewhere(): Promise<void> {
		if (this.#lookingElsewhere || this.#stopped) {
			return;
		}
		this.#lookingElsewhere = true;
		try {
			const found = elsewhere(await listAllNamespaces({skipOwn: true}));
			const shown = this.#snapshot.elsewhere;
			if (!this.#stopped && (shown?.attachments !== found.attachments || shown.namespaces !== found.namespaces)) {
				this.#emit({...this.#snapshot, elsewhere: found});
			}
		} catch {
			// Nothing to say in the header; the next look tries again.
		} finally {
			this.#lookingElsewhere = false;
		}
	}

	stop(): void {
		this.#stopped = true;
		clearTimeout(this.#timer);
		clearInterval(this.#watchdog);
		clearInterval(this.#elsewhereTimer);
		this.#probes.close();
		this.#exceptions.close();
		setBpfStats(false);
	}

	subscribe(listener: (snapshot: Snapshot) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	setIntervalSeconds(seconds: number): void {
		this.#intervalSeconds = seconds;
		if (this.#snapshot.staleSeconds === undefined) {
			// A new interval gives a live monitor a new deadline; numbers that are already late stay marked.
			this.#sinceMs = performance.now();
		}
		this.#emit({...this.#snapshot, intervalSeconds: seconds});
		this.#schedule();
	}

	setPaused(paused: boolean): void {
		this.#paused = paused;
		this.#sinceMs = performance.now();
		// Paused numbers are old on purpose: PAUSED says so, "stale" would not add anything.
		this.#emit({...this.#snapshot, paused, ...(paused ? {staleSeconds: undefined} : {})});
		this.#schedule();
	}

	setBpfStats(enabled: boolean): ActionResult {
		try {
			setBpfStats(enabled);
		} catch (error) {
			return {ok: false, message: error instanceof Error ? error.message : String(error)};
		}
		this.#emit({...this.#snapshot, bpfStats: enabled});
		return {
			ok: true,
			message: enabled
				? 'kernel BPF run-time stats on: every BPF program run costs ~20 ns more until S turns them off'
				: 'kernel BPF run-time stats off',
		};
	}

	setFocus(key: string | undefined): void {
		this.#focus = key;
	}

	async setMode(key: string, target: ModeTarget): Promise<ActionResult> {
		const placed = this.#inventory.find(candidate => candidate.key === key);
		if (!placed) {
			return {ok: false, message: 'that interface no longer exists'};
		}
		const {probe, entry} = placed;
		const where = probe.own || !probe.label ? '' : ` in netns ${escapeControl(netnsTitle(probe.label))}`;
		const name = `${escapeControl(entry.name)}${where}`;
		try {
			if (target === 'off') {
				if (!this.#session.detach(placeOf(placed))) {
					return {ok: false, message: `xdptop has nothing attached to ${name}`};
				}
			} else {
				this.#session.setMode({...entry, netns: probe.handle}, target);
			}
		} catch (error) {
			return {ok: false, message: error instanceof Error ? error.message : String(error)};
		} finally {
			this.#changedAt.set(key, ++this.#xdpChanges);
			this.#refreshXdp(key);
		}
		return {
			ok: true,
			message: target === 'off' ? `detached xdptop_stats from ${name}` : `attached xdptop_stats to ${name} in ${target} mode`,
		};
	}

	/** One sample of everything. Never throws: a failed tick keeps the last snapshot. */
	async tick(): Promise<void> {
		if (this.#ticking) {
			return this.#ticking;
		}
		this.#ticking = this.#sample().finally(() => {
			this.#ticking = undefined;
		});
		return this.#ticking;
	}

	#schedule(): void {
		clearTimeout(this.#timer);
		if (this.#stopped || this.#paused) {
			return;
		}
		this.#timer = setTimeout(() => {
			void this.tick().then(() => this.#schedule());
		}, this.#intervalSeconds * 1000);
	}

	/**
	 * A sample more than two intervals late (ip blocked, a tick stuck) must not pass for live: the
	 * header says how old the numbers are and the rates show "…" until a sample comes.
	 */
	#watch(): void {
		if (this.#stopped || this.#paused) {
			return;
		}
		const now = performance.now();
		// Once late, late until a sample comes: a longer interval chosen meanwhile makes nothing current.
		const seconds =
			staleSeconds(now, this.#lastSampleMs, this.#sinceMs, this.#intervalSeconds) ??
			(this.#snapshot.staleSeconds === undefined ? undefined : Math.max(1, Math.floor((now - this.#lastSampleMs) / 1000)));
		if (seconds !== this.#snapshot.staleSeconds) {
			this.#emit(seconds === undefined ? {...this.#snapshot, staleSeconds: undefined} : markStale(this.#snapshot, seconds));
		}
	}

	#emit(snapshot: Snapshot): void {
		this.#snapshot = snapshot;
		for (const listener of this.#listeners) {
			listener(snapshot);
		}
	}

	/** After an action: the row shows the new XDP state at once, not a tick later. */
	#refreshXdp(key: string): void {
		const placed = this.#inventory.find(candidate => candidate.key === key);
		let xdp: XdpState;
		try {
			if (!placed) {
				return;
			}
			xdp = this.#facts.withFacts(placed.probe.within(() => queryXdp(placed.entry.ifindex)));
		} catch {
			return;
		}
		const rows = this.#snapshot.rows.map(row =>
			row.key === key ? {...row, xdp, source: xdp.attachments.some(attachment => attachment.ours) ? ('xdp' as const) : ('kernel' as const), warm: false} : row,
		);
		this.#emit({...this.#snapshot, rows});
	}

	/** A namespace no longer shown (deleted, its last process gone): ours there is let go, not left to chance. */
	#release(probe: NetnsProbe): void {
		for (const [key, tracked] of this.#tracked) {
			if (tracked.place.netns === probe.handle) {
				this.#tracked.delete(key);
			}
		}
		if (probe.handle) {
			this.#session.detachAllIn(probe.handle);
		}
		// Its rows go now, not at the end of a tick that may not come (ip late at home): a key on one
		// of them finds nothing to act on.
		const gone = new Set(this.#inventory.filter(placed => placed.probe === probe).map(placed => placed.key));
		this.#inventory = this.#inventory.filter(placed => placed.probe !== probe);
		this.#emit({...this.#snapshot, rows: this.#snapshot.rows.filter(row => !gone.has(row.key))});
	}

	/** One namespace's interfaces; undefined when they could not be read this tick. */
	async #list(probe: NetnsProbe): Promise<Omit<Listed, 'kernel'> | undefined> {
		try {
			const answerMs = Math.max(IP_ANSWER_MS, 2000 * this.#intervalSeconds);
			return {probe, interfaces: await probe.lister.list(answerMs)};
		} catch {
			return undefined;
		}
	}

	/** Its kernel counters, read after the list (every interface it names is in them); undefined when they cannot be read. */
	#withCounters(part: Omit<Listed, 'kernel'> | undefined): Listed | undefined {
		try {
			return part && {...part, kernel: part.probe.kernelCounters.read()};
		} catch {
			return undefined;
		}
	}

	async #sample(): Promise<void> {
		// A change made while this tick's dump is on its way is newer than the dump: see the end.
		const changesBefore = this.#xdpChanges;
		if (this.#options.allNamespaces) {
			try {
				this.#probes.rescan(probe => this.#release(probe));
			} catch {
				// /proc could not be read: the namespaces of the last scan stay.
			}
		}
		const probes = this.#probes.all();
		const listings = await Promise.all(probes.map(async probe => this.#list(probe)));
		if (this.#stopped) {
			return;
		}
		// Every namespace's counters at one moment, whenever its list came: each rate of the tick
		// covers the same interval, however late ip answered at home.
		const listed = listings.map(part => this.#withCounters(part));
		if (!listed[0]) {
			return; // Try again next tick; the screen keeps the last sample (marked stale once late).
		}
		const atMs = performance.now();
		const statsOn = bpfStatsEnabled();
		this.#exceptions.next(atMs);
		const inventory: Placed[] = [];
		const rows: InterfaceRow[] = [];
		const seen = new Set<string>();
		const states: Array<{probe: NetnsProbe; order: number; kernel: ReadonlyMap<number, LinkCounters>; entries: ReturnType<typeof withXdpState>}> = [];
		for (const [order, part] of listed.entries()) {
			const probe = probes[order]!;
			if (!part) {
				// Its dump failed this tick: its rows stay as they were (marked stale if the failure lasts).
				const kept = this.#snapshot.rows.filter(row => this.#inventory.some(placed => placed.probe === probe && placed.key === row.key));
				rows.push(...kept);
				inventory.push(...this.#inventory.filter(placed => placed.probe === probe));
				kept.forEach(row => seen.add(row.key));
				continue;
			}
			let interfaces = [...part.interfaces, ...this.#stillThere(probe, part.interfaces)];
			if (this.#options.interfaces.length > 0) {
				interfaces = interfaces.filter(entry => selectsInterface(this.#options.interfaces, entry));
			}
			if (probe.fresh) {
				probe.fresh = false;
				if (!probe.own) {
					// Kept by an earlier xdptop --keep in that namespace: counted on, and detachable, as at home.
					this.#session.adoptPinned(interfaces, probe.handle);
				}
			}
			inventory.push(...interfaces.map(entry => ({probe, entry, key: rowKey(probe, entry.ifindex)})));
			states.push({probe, order, kernel: part.kernel, entries: withXdpState(interfaces)});
		}
		this.#inventory = inventory;
		// Only others' programs: the pane names their holders; ours are this process's.
		this.#facts.refresh(states.flatMap(({entries}) => entries.flatMap(entry => entry.xdp.attachments.filter(attachment => !attachment.ours))), Date.now());
		for (const {probe, order, kernel, entries} of states) {
			const netns = this.#options.allNamespaces ? this.#probes.netnsOf(probe, order) : undefined;
			const present = new Set<number>();
			for (const entry of entries) {
				const key = rowKey(probe, entry.ifindex);
				seen.add(key);
				present.add(entry.ifindex);
				try {
					rows.push(this.#row(probe, key, netns, entry, this.#facts.withFacts(entry.xdp), kernel.get(entry.ifindex), atMs, statsOn));
				} catch (error) {
					if (!(error instanceof BpfError)) {
						throw error;
					}
					// Vanished mid-tick: it is gone from the next one.
				}
			}
			probe.driverCounters.retain(present);
		}
		for (const [key, tracked] of this.#tracked) {
			if (!seen.has(key)) {
				this.#tracked.delete(key);
				try {
					this.#session.detach(tracked.place); // Ours went with the interface; release the fds.
				} catch {
					// Nothing is left to detach from; the next tick tries nothing more.
				}
			}
		}
		this.#session.endRound(); // Readers of other xdptops' programs that went away are closed.
		this.#lastSampleMs = performance.now();
		const namespaces = this.#options.allNamespaces ? probes.length : undefined;
		this.#emit({...this.#snapshot, rows, namespaces, time: new Date(), intervalSeconds: this.#intervalSeconds, bpfStats: statsOn, staleSeconds: undefined});
		for (const [key, at] of this.#changedAt) {
			if (at > changesBefore) {
				this.#refreshXdp(key); // The dump predates it: ask the kernel again, so an attach is not undone on screen.
			} else {
				this.#changedAt.delete(key);
			}
		}
	}

	/**
	 * Interfaces of the last tick that this dump left out but whose ifindex the kernel still has.
	 * Before Linux 6.7 a dump interrupted by interface churn can leave out interfaces that exist;
	 * taking them for deleted would detach ours and drop kept pins. So absence from a dump is only
	 * a question, which the kernel answers by index; "cannot tell" counts as still there. They
	 * keep their last dump's facts (name and XDP state) for this tick; the next dump corrects them.
	 */
	#stillThere(probe: NetnsProbe, dumped: readonly NetInterface[]): NetInterface[] {
		const listed = new Set(dumped.map(entry => entry.ifindex));
		const missing = this.#inventory.filter(placed => placed.probe === probe && !listed.has(placed.entry.ifindex)).map(placed => placed.entry);
		return missing.length === 0 ? [] : probe.within(() => missing.filter(entry => lookupIfindex(entry.ifindex).state !== 'gone'));
	}

	#row(probe: NetnsProbe, key: string, netns: InterfaceRow['netns'], entry: NetInterface, xdp: XdpState, kernel: LinkCounters | undefined, atMs: number, statsOn: boolean): InterfaceRow {
		const ours = xdp.attachments.find(attachment => attachment.ours);
		const place: Place = {ifindex: entry.ifindex, netns: probe.handle};
		const counters = ours ? this.#session.readCounters(place, ours.progId, key === this.#focus) : undefined;
		const driverReading = hasForeignNative(xdp) ? probe.driverCounters.read(entry.ifindex, entry.name, entry.driver) : undefined;
		const sample: InterfaceSample = {
			atMs,
			...(kernel ? {kernel} : {}),
			...(counters ? {xdp: counters} : {}),
			...(driverReading?.kind === 'counts' ? {driver: driverReading.counts, driverSet: driverReading.set} : {}),
		};
		let previous = this.#tracked.get(key);
		if (previous && previous.name !== entry.name) {
			previous = undefined; // Renamed or re-created: a new history.
		}
		const rates = previous ? computeRates(previous.sample, sample) : undefined;
		const source = counters ? 'xdp' : 'kernel';
		// One meaning per column, whatever is attached: RX is what the interface received (the
		// kernel's counters), XDP drops come from whichever source counts them, and the stack's drops
		// from the kernel.
		const rxPps = rates?.kernelRx?.pps;
		const rxBps = rates?.kernelRx?.bps;
		const stackDropPps =
			previous?.dropped !== undefined && kernel
				? ratePerSecond({atMs: previous.sample.atMs, value: previous.dropped}, {atMs, value: kernel.rxDropped})
				: undefined;
		let xdpDropPps: number | undefined;
		if (ours) {
			xdpDropPps = rates?.xdp?.actions[XDP_ACTIONS.indexOf('DROP')]?.pps;
		} else if (driverReading) {
			xdpDropPps = rates?.driver?.verdicts.DROP?.pps;
		} else if (xdp.attachments.length === 0) {
			xdpDropPps = 0;
		}
		const failed = this.#exceptions.of(entry.ifindex, probe.handle?.cookie);
		const pps = previous?.pps ?? new Ring<number>(HISTORY);
		const bps = previous?.bps ?? new Ring<number>(HISTORY);
		if (rxPps !== undefined && rxBps !== undefined) {
			pps.push(rxPps);
			bps.push(rxBps);
		}
		const foreign = xdp.attachments.find(attachment => !attachment.ours);
		const run = statsOn && foreign ? this.#runSample(foreign.progId, atMs) : undefined;
		const previousRun = previous?.run?.progId === run?.progId ? previous?.run : undefined;
		this.#tracked.set(key, {place, name: entry.name, sample, dropped: kernel?.rxDropped, pps, bps, run});
		return {
			key,
			name: entry.name,
			ifindex: entry.ifindex,
			netns,
			state: entry.state,
			driver: entry.driver,
			xdp,
			source,
			rxPps,
			rxBps,
			xdpDropPps,
			stackDropPps,
			errPps: xdp.attachments.length === 0 ? 0 : failed?.pps,
			exceptions:
				xdp.attachments.length === 0
					? undefined
					: {byAction: failed?.byAction.filter(action => action.packets > 0n), unavailable: this.#exceptions.unavailable},
			xdpRxPps: rates?.xdp ? sum(rates.xdp.actions, row => row.pps) : undefined,
			ppsHistory: pps,
			bpsHistory: bps,
			actions: breakdown(XDP_ACTIONS, rates?.xdp?.actions),
			protos: breakdown(PROTO_LABELS, rates?.xdp?.protos),
			runStats: run && previousRun ? runRates([previousRun.atMs, atMs], previousRun, run) : undefined,
			driverXdp: driverReading && driverView(entry.driver, driverReading, rates?.driver),
			perCpuPps: rates?.perCpu,
			carriesSsh: probe.own && entry.name === this.#options.sshInterface,
			warm: rates !== undefined && (source === 'kernel' || rates.xdp !== undefined),
		};
	}

	#runSample(progId: number, atMs: number): Tracked['run'] {
		try {
			const info = programInfo(progId);
			return {progId, atMs, count: info.runCount, timeNs: info.runTimeNs};
		} catch {
			return undefined;
		}
	}
}

