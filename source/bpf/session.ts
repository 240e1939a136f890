/**
 * Everything this xdptop process has attached, and the one place that undoes it. Attachments
 * are bpf_links, so even SIGKILL detaches them (the kernel drops a link with its last fd),
 * unless the user asked --keep and they were pinned.
 */
import {type XdpCounters} from '../model/counters.js';
import {blockingAttachment, describeConflict, explainAttachFailure} from '../model/messages.js';
import {escapeControl} from '../model/escape.js';
import {type XdpMode, type XdpState} from '../model/xdp.js';
import {BpfError, XdpConflictError, XdpModeRefusedError} from './errors.js';
import {CounterSlots, type CounterSlot} from './counter-slots.js';
import {proveById, proveLink, releaseProof, type ProvenCounters} from './identity.js';
import {linkHolders} from './holders.js';
import {linkInfoByFd, mapInfoByFd} from './info.js';
import {closeFd} from './libbpf.js';
import {CounterTable} from './maps.js';
import {netnsCookie, type Visit} from './netns.js';
import {StatsObject} from './object.js';
import {parsePinName, pinFileName, PIN_ROOT, withPinDirectory} from './pins.js';
import {attachedMode, createXdpLink, detachLink, queryXdp} from './xdp.js';

/**
 * Another network namespace than this process's: its cookie, and how to run the system calls
 * that resolve an ifindex there (link create, XDP query). An ifindex repeats across namespaces.
 */
export interface NetnsHandle {
	readonly cookie: bigint;
	readonly within: Visit;
}

/** An interface: an ifindex in this process's namespace, or in the one `netns` names. */
export interface Place {
	readonly ifindex: number;
	readonly netns?: NetnsHandle | undefined;
}

export interface AttachTarget extends Place {
	readonly name: string;
	readonly driver: string;
}

/** At home the ifindex itself: a number key costs no string per read per tick. */
const placeKey = (place: Place): string | number => (place.netns ? `${place.netns.cookie}/${place.ifindex}` : place.ifindex);

/** Runs fn where the place's ifindex means that interface. */
const at = <T>(place: Place, fn: () => T): T => (place.netns ? place.netns.within(fn) : fn());

/** Where an instance's counters are read, and how its slot is given back when it is gone. */
interface SlotCounters {
	readonly table: CounterTable;
	readonly mapId: number;
	readonly slot: number;
	/** After the program is detached; not for one that stays attached (kept). */
	readonly release: () => void;
}

interface Owned {
	readonly target: AttachTarget;
	mode: XdpMode;
	linkFd: number;
	readonly progFd: number;
	/** Loaded by us; undefined for an attachment re-adopted from pins. */
	readonly object: StatsObject | undefined;
	/** fds we opened ourselves for a re-adopted attachment; closed with it. */
	readonly extraFds: readonly number[];
	readonly counters: SlotCounters;
}

/** A loaded instance of our program, not attached yet, with its counters. */
interface Instance {
	readonly object: StatsObject;
	readonly counters: SlotCounters;
}

/** A proven map of another instance (kept, or another xdptop's), shared by every slot read in it. */
interface SharedTable {
	readonly table: CounterTable;
	readonly fd: number;
	users: number;
}

export interface OwnedAttachment {
	readonly ifname: string;
	readonly ifindex: number;
	readonly mode: XdpMode;
}

interface AdoptedReader {
	readonly counters: SlotCounters;
	/** The tick it was last read in: readers of programs no longer attached are closed. */
	usedIn: number;
}

export class XdpSession {
	/** By placeKey. */
	readonly #owned = new Map<string | number, Owned>();
	/** Readers for our program attached by another xdptop process, by program id. */
	readonly #adopted = new Map<number, AdoptedReader>();
	/** Our own counters maps, a slot per attachment. */
	readonly #slots = new CounterSlots();
	/** Other instances' proven maps, by map id: one read per map per tick, however many slots are read. */
	readonly #tables = new Map<number, SharedTable>();
	#generation = 0;
	#keepFailed = false;

	/** True when close({keep}) could not keep something and detached it instead. */
	get keepFailed(): boolean {
		return this.#keepFailed;
	}

	owned(): OwnedAttachment[] {
		return [...this.#owned.values()].map(owned => ({
			ifname: owned.target.name,
			ifindex: owned.target.ifindex,
			mode: owned.mode,
		}));
	}


	/**
	 * Our attachment on that ifindex, when it is still there. An interface can go and another take
	 * its ifindex (created with it, or moved in from another namespace) between two dumps: our
	 * link then holds nothing here, and acting on it would report an attach that did not happen.
	 * Such an entry is let go (its link detached, if it still holds an interface elsewhere).
	 */
	#live(place: Place): Owned | undefined {
		const owned = this.#owned.get(placeKey(place));
		if (!owned || at(place, () => this.#attachedHere(owned))) {
			return owned;
		}
		try {
			this.#detachOwned(place);
		} catch {
			// Nothing more can be done for a link that is not here.
		}
		return undefined;
	}

	#attachedHere(owned: Owned): boolean {
		try {
			const link = linkInfoByFd(owned.linkFd);
			return link?.ifindex === owned.target.ifindex && attachedMode(link) !== undefined;
		} catch {
			return false;
		}
	}

	/**
	 * Attaches our program in `mode`. Refuses, without touching anything, when another program
	 * holds the interface; a kernel refusal becomes an XdpModeRefusedError with plain words.
	 */
	attach(target: AttachTarget, mode: XdpMode): void {
		if (this.#live(target)) {
			this.setMode(target, mode);
			return;
		}
		at(target, () => {
			this.#refuseConflicts(target, queryXdp(target.ifindex), mode);
			const instance = this.#load(target, mode);
			const linkFd = this.#linkInstance(instance, target, mode);
			this.#owned.set(placeKey(target), this.#ownedInstance(target, mode, linkFd, instance));
		});
	}

	/**
	 * Moves our attachment to another mode. On refusal the interface keeps the attachment it had.
	 * Native and generic exclude each other, so that move detaches first and re-attaches the old
	 * mode if the new one is refused; counters continue, as the program and maps stay the same.
	 */
	setMode(target: AttachTarget, mode: XdpMode): void {
		const owned = this.#live(target);
		if (!owned) {
			this.attach(target, mode);
			return;
		}
		if (owned.mode !== mode) {
			at(target, () => this.#move(owned, target, mode));
		}
	}

	#move(owned: Owned, target: AttachTarget, mode: XdpMode): void {
		const others = queryXdp(target.ifindex).attachments.filter(attachment => attachment.mode !== owned.mode);
		this.#refuseConflicts(target, {attachMode: 'none', attachments: others}, mode);
		if (mode === 'hw' || owned.mode === 'hw') {
			this.#replaceWithNewInstance(owned, mode);
			return;
		}
		detachLink(owned.linkFd);
		closeFd(owned.linkFd);
		try {
			owned.linkFd = this.#link(owned.progFd, target, mode);
			owned.mode = mode;
		} catch (error) {
			try {
				owned.linkFd = this.#link(owned.progFd, target, owned.mode);
			} catch {
				// Not even the old mode came back (the interface is going away): nothing is attached.
				this.#owned.delete(placeKey(target));
				owned.linkFd = -1;
				this.#release(owned);
			}
			throw error;
		}
	}

	/** Detaches ours from the interface. Returns false when nothing was ours. */
	detach(place: Place): boolean {
		return this.#detachOwned(place) !== 'none';
	}

	/** Detaches ours in that namespace (it is going away); what cannot be detached is gone with it. */
	detachAllIn(netns: NetnsHandle): void {
		for (const owned of [...this.#owned.values()]) {
			if (owned.target.netns?.cookie === netns.cookie) {
				try {
					this.#detachOwned(owned.target);
				} catch {
					// Its interface went with the namespace: nothing is left attached.
				}
			}
		}
	}

	/** 'gone' when the attachment had already gone (its interface deleted, or detached by another process). */
	#detachOwned(place: Place): 'detached' | 'gone' | 'none' {
		const key = placeKey(place);
		const owned = this.#owned.get(key);
		if (!owned) {
			return 'none';
		}
		this.#owned.delete(key);
		try {
			// The kernel detaches a link that is already defunct without a word: ask first.
			const link = linkInfoByFd(owned.linkFd);
			if (!link || link.ifindex === 0) {
				return 'gone';
			}
			detachLink(owned.linkFd);
			return 'detached';
		} catch (error) {
			if (error instanceof BpfError && (error.code === 'ENOLINK' || error.code === 'ENODEV')) {
				return 'gone';
			}
			throw error;
		} finally {
			this.#release(owned);
		}
	}

	/** Counters of our program on the interface: ours, or another xdptop process's (by program id). */
	readCounters(place: Place, progId: number, withProtos = true): XdpCounters | undefined {
		const owned = this.#owned.get(placeKey(place));
		if (owned) {
			return owned.counters.table.read(owned.counters.slot, withProtos);
		}
		const adopted = this.#adoptedReader(progId);
		if (!adopted) {
			return undefined;
		}
		adopted.usedIn = this.#generation;
		return adopted.counters.table.read(adopted.counters.slot, withProtos);
	}

	/**
	 * Ends a round of reads (a monitor tick): readers of other processes' programs that were not
	 * read in it are closed, so the maps of programs that went away are freed, and every map is
	 * looked up again by the next round's first read.
	 */
	endRound(): void {
		for (const [progId, adopted] of this.#adopted) {
			if (adopted.usedIn !== this.#generation) {
				adopted.counters.release();
				this.#adopted.delete(progId);
			}
		}
		this.#generation++;
		this.#slots.invalidate();
		for (const {table} of this.#tables.values()) {
			table.invalidate();
		}
	}

	/**
	 * Re-adopts attachments a previous `xdptop --keep` pinned in this network namespace for
	 * interfaces listed here, so their counters continue and they can be detached. Each is proven
	 * ours (link, program tag, maps) and taken over by unlinking its pin: of two monitors, one
	 * wins. Returns the names adopted.
	 */
	adoptPinned(interfaces: readonly AttachTarget[], netns?: NetnsHandle): string[] {
		const cookie = netns?.cookie ?? netnsCookie();
		let adopted: string[] | undefined;
		try {
			adopted = withPinDirectory(false, directory => {
				const names: string[] = [];
				for (const entry of directory.entries()) {
					const pin = parsePinName(entry);
					const target = pin && pin.cookie === cookie ? interfaces.find(candidate => candidate.ifindex === pin.ifindex) : undefined;
					const place = {ifindex: target?.ifindex ?? 0, netns};
					if (!pin || !target || this.#owned.has(placeKey(place))) {
						continue;
					}
					const linkFd = directory.open(entry);
					if (linkFd === undefined) {
						continue;
					}
					const proven = at(place, () => this.#proveLink(linkFd, pin.linkId, target.ifindex));
					if (!proven || !this.#mayRead(proven.counters, proven.progId)) {
						closeFd(linkFd);
						if (proven) {
							[proven.progFd, proven.counters.mapFd].forEach(closeFd);
						}
						continue;
					}
					// Read before it is taken over: a pin is unlinked only for what this process can count.
					let counters: SlotCounters;
					try {
						counters = this.#sharedCounters(proven.counters);
					} catch {
						[linkFd, proven.progFd].forEach(closeFd);
						continue;
					}
					if (!directory.unpin(entry)) {
						counters.release();
						[linkFd, proven.progFd].forEach(closeFd);
						continue;
					}
					this.#owned.set(placeKey(place), {
						target: {...target, netns},
						mode: proven.mode,
						linkFd,
						progFd: proven.progFd,
						object: undefined,
						extraFds: [proven.progFd],
						counters,
					});
					names.push(target.name);
				}
				return names;
			});
		} catch {
			return []; // A pin directory that is not ours: nothing in it is adopted.
		}
		return adopted ?? [];
	}

	/** The kept link is an XDP link of that id on that interface here, holding our program, and kept (no process holds it). */
	#proveLink(linkFd: number, linkId: number, ifindex: number): {mode: XdpMode; progId: number; progFd: number; counters: ProvenCounters} | undefined {
		const proven = proveLink(linkFd);
		if (!proven) {
			return undefined;
		}
		const {link, progFd, counters} = proven;
		const mode = link.linkId === linkId && link.ifindex === ifindex ? attachedMode(link) : undefined;
		if (!mode || linkHolders(link.linkId).length > 0) {
			releaseProof(proven); // Not that attachment, or a running process's own link pinned from under it.
			return undefined;
		}
		return {mode, progId: link.progId, progFd, counters};
	}

	/** Pins the link of an attachment of ours under its unique name. */
	#keep(owned: Owned): void {
		const link = linkInfoByFd(owned.linkFd);
		if (!link) {
			throw new BpfError('the attachment is not an XDP link', 22);
		}
		const entry = pinFileName({cookie: owned.target.netns?.cookie ?? netnsCookie(), ifindex: owned.target.ifindex, linkId: link.linkId});
		withPinDirectory(true, directory => directory.pin(owned.linkFd, entry));
	}

	/**
	 * Undoes everything: detaches every attachment of ours, or with keep pins them and lets go.
	 * Never throws: it runs on every exit path. Returns one line for the user.
	 */
	close(options: {keep?: boolean} = {}): string {
		const detached: string[] = [];
		const gone: string[] = [];
		const kept: string[] = [];
		const failed: string[] = [];
		for (const owned of [...this.#owned.values()]) {
			const name = escapeControl(owned.target.name);
			try {
				if (options.keep) {
					try {
						this.#keep(owned);
					} catch (error) {
						// Not kept after all: detach rather than leave it to chance.
						this.#keepFailed = true;
						this.detach(owned.target);
						failed.push(`could not keep ${name} attached (${error instanceof Error ? error.message : String(error)}), so it was detached`);
						continue;
					}
					this.#owned.delete(placeKey(owned.target));
					this.#release(owned, {attached: true});
					kept.push(`${name} (${owned.mode})`);
				} else if (this.#detachOwned(owned.target) === 'gone') {
					gone.push(name);
				} else {
					detached.push(name);
				}
			} catch (error) {
				failed.push(`could not clean up ${name}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		for (const {counters} of this.#adopted.values()) {
			counters.release();
		}
		this.#adopted.clear();
		this.#slots.close();
		// Kept attachments re-adopted from another process's map: the program holds the map now.
		for (const {table, fd} of this.#tables.values()) {
			table.close();
			closeFd(fd);
		}
		this.#tables.clear();
		const parts: string[] = [];
		if (detached.length > 0) {
			parts.push(`detached xdptop_stats from ${detached.join(', ')}`);
		}
		if (gone.length > 0) {
			parts.push(`xdptop_stats on ${gone.join(', ')} was already detached (its interface went away, or another process detached it)`);
		}
		if (kept.length > 0) {
			parts.push(`kept xdptop_stats attached on ${kept.join(', ')} (pinned under ${PIN_ROOT}; xdptop --cleanup removes it)`);
		}
		parts.push(...failed);
		return parts.join('; ');
	}

	/** Closes what we hold of an attachment; its slot is given back unless its program stays attached. */
	#release(owned: Owned, options: {attached?: boolean} = {}): void {
		closeFd(owned.linkFd);
		owned.object?.close();
		owned.extraFds.forEach(closeFd);
		if (!options.attached) {
			owned.counters.release();
		}
	}

	#refuseConflicts(target: AttachTarget, state: XdpState, mode: XdpMode): void {
		const blocking = blockingAttachment(state.attachments, mode);
		if (blocking) {
			throw new XdpConflictError(describeConflict(target.name, blocking), 16);
		}
	}

	/**
	 * A new instance counting in a slot of our shared map; offloaded to hardware, in a map of its
	 * own on the device (a device-bound program cannot use a host map).
	 */
	#load(target: AttachTarget, mode: XdpMode): Instance {
		if (mode === 'hw') {
			let object: StatsObject;
			try {
				object = StatsObject.load({offloadIfindex: target.ifindex});
			} catch (error) {
				throw this.#explain(error, target, mode);
			}
			const {id: mapId, maxEntries} = mapInfoByFd(object.countersMapFd);
			const table = CounterTable.lookedUp(object.countersMapFd, maxEntries);
			return {object, counters: {table, mapId, slot: 0, release: () => table.close()}};
		}
		let slot: CounterSlot | undefined;
		try {
			slot = this.#slots.allocate();
			const taken = slot;
			return {object: StatsObject.load({slot}), counters: {table: slot.table, mapId: slot.mapId, slot: slot.slot, release: () => this.#slots.free(taken)}};
		} catch (error) {
			if (slot) {
				this.#slots.free(slot);
			}
			throw this.#explain(error, target, mode);
		}
	}

	/** Attaches a loaded instance; on failure the instance is unloaded and its slot given back. */
	#linkInstance(instance: Instance, target: AttachTarget, mode: XdpMode): number {
		try {
			return this.#link(instance.object.progFd, target, mode);
		} catch (error) {
			instance.object.close();
			instance.counters.release();
			throw error;
		}
	}

	#ownedInstance(target: AttachTarget, mode: XdpMode, linkFd: number, instance: Instance): Owned {
		return {target, mode, linkFd, progFd: instance.object.progFd, object: instance.object, extraFds: [], counters: instance.counters};
	}

	/**
	 * Whether a proven program counts where it may: not in a map of this process (only the
	 * programs it loaded count there), and not in a slot that another program already counts in.
	 * Neither happens with xdptops alone; a root process that loads our object onto our maps
	 * would otherwise have its frames shown as another interface's.
	 */
	#mayRead(proven: ProvenCounters, progId: number): boolean {
		const claimed = (counters: SlotCounters) => counters.mapId === proven.mapId && counters.slot === proven.slot;
		return (
			!this.#slots.owns(proven.mapId) &&
			![...this.#owned.values()].some(owned => claimed(owned.counters)) &&
			![...this.#adopted].some(([id, adopted]) => id !== progId && claimed(adopted.counters))
		);
	}

	/** A table for a proven map, shared by every slot read in it; the proof's fd is kept or closed. */
	#sharedCounters(proven: ProvenCounters): SlotCounters {
		let shared = this.#tables.get(proven.mapId);
		if (shared) {
			closeFd(proven.mapFd);
		} else {
			let table: CounterTable;
			try {
				table = CounterTable.mapped(proven.mapFd, proven.rows);
			} catch (error) {
				closeFd(proven.mapFd);
				throw error;
			}
			shared = {table, fd: proven.mapFd, users: 0};
			this.#tables.set(proven.mapId, shared);
		}
		shared.users++;
		shared.table.want(proven.slot);
		shared.table.invalidate();
		const entry = shared;
		let released = false;
		return {
			table: shared.table,
			mapId: proven.mapId,
			slot: proven.slot,
			release: () => {
				if (released) {
					return;
				}
				released = true;
				if (--entry.users === 0) {
					entry.table.close();
					closeFd(entry.fd);
					this.#tables.delete(proven.mapId);
				}
			},
		};
	}

	#link(progFd: number, target: AttachTarget, mode: XdpMode): number {
		try {
			return createXdpLink(progFd, target.ifindex, mode);
		} catch (error) {
			throw this.#explain(error, target, mode);
		}
	}

	#explain(error: unknown, target: AttachTarget, mode: XdpMode): unknown {
		if (!(error instanceof BpfError) || (mode !== 'hw' && error.code === 'ENOENT')) {
			return error;
		}
		const message = explainAttachFailure({ifname: target.name, driver: target.driver, mode}, error.code, error.message);
		return new XdpModeRefusedError(message, error.errno, error.details);
	}

	/** hw needs its own device-bound program; hw and drv/skb coexist, so attach the new one first. */
	#replaceWithNewInstance(owned: Owned, mode: XdpMode): void {
		const instance = this.#load(owned.target, mode);
		const linkFd = this.#linkInstance(instance, owned.target, mode);
		this.detach(owned.target);
		this.#owned.set(placeKey(owned.target), this.#ownedInstance(owned.target, mode, linkFd, instance));
	}

	/** A reader for another xdptop's program: only once it is proven ours, maps and all. */
	#adoptedReader(progId: number): AdoptedReader | undefined {
		const cached = this.#adopted.get(progId);
		if (cached) {
			return cached;
		}
		const proven = proveById(progId);
		if (!proven || !this.#mayRead(proven, progId)) {
			if (proven) {
				closeFd(proven.mapFd);
			}
			return undefined;
		}
		let counters: SlotCounters;
		try {
			counters = this.#sharedCounters(proven);
		} catch {
			return undefined; // Its map could not be mapped after all (the proof maps it once): not read.
		}
		const entry = {counters, usedIn: this.#generation};
		this.#adopted.set(progId, entry);
		return entry;
	}
}
