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
import {proveById, proveLink, releaseProof, type ProvenMaps} from './identity.js';
import {linkHolders} from './holders.js';
import {linkInfoByFd} from './info.js';
import {closeFd, libbpf} from './libbpf.js';
import {CountersReader} from './maps.js';
import {netnsCookie} from './netns.js';
import {StatsObject} from './object.js';
import {parsePinName, pinFileName, PIN_ROOT, withPinDirectory} from './pins.js';
import {attachedMode, createXdpLink, detachLink, queryXdp} from './xdp.js';

export interface AttachTarget {
	readonly name: string;
	readonly ifindex: number;
	readonly driver: string;
}

interface Owned {
	readonly target: AttachTarget;
	mode: XdpMode;
	linkFd: number;
	readonly progFd: number;
	readonly actionsMapFd: number;
	readonly protosMapFd: number;
	/** Loaded by us; undefined for an attachment re-adopted from pins. */
	readonly object: StatsObject | undefined;
	/** fds we opened ourselves for a re-adopted attachment; closed with it. */
	readonly extraFds: readonly number[];
	readonly reader: CountersReader;
}

function ownedFromObject(target: AttachTarget, mode: XdpMode, linkFd: number, object: StatsObject): Owned {
	return {
		target,
		mode,
		linkFd,
		progFd: object.progFd,
		actionsMapFd: object.actionsMapFd,
		protosMapFd: object.protosMapFd,
		object,
		extraFds: [],
		reader: new CountersReader(object.actionsMapFd, object.protosMapFd),
	};
}

export interface OwnedAttachment {
	readonly ifname: string;
	readonly ifindex: number;
	readonly mode: XdpMode;
}

interface AdoptedReader {
	readonly reader: CountersReader;
	readonly fds: readonly number[];
	/** The tick it was last read in: readers of programs no longer attached are closed. */
	usedIn: number;
}

export class XdpSession {
	readonly #owned = new Map<number, Owned>();
	/** Readers for our program attached by another xdptop process, by program id. */
	readonly #adopted = new Map<number, AdoptedReader>();
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

	ownedMode(ifindex: number): XdpMode | undefined {
		return this.#owned.get(ifindex)?.mode;
	}

	/**
	 * Our attachment on that ifindex, when it is still there. An interface can go and another take
	 * its ifindex (created with it, or moved in from another namespace) between two dumps: our
	 * link then holds nothing here, and acting on it would report an attach that did not happen.
	 * Such an entry is let go (its link detached, if it still holds an interface elsewhere).
	 */
	#live(ifindex: number): Owned | undefined {
		const owned = this.#owned.get(ifindex);
		if (!owned || this.#attachedHere(owned)) {
			return owned;
		}
		try {
			this.#detachOwned(ifindex);
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
		if (this.#live(target.ifindex)) {
			this.setMode(target, mode);
			return;
		}
		this.#refuseConflicts(target, queryXdp(target.ifindex), mode);
		const object = this.#load(target, mode);
		let linkFd: number;
		try {
			linkFd = this.#link(object.progFd, target, mode);
		} catch (error) {
			object.close();
			throw error;
		}
		this.#owned.set(target.ifindex, ownedFromObject(target, mode, linkFd, object));
	}

	/**
	 * Moves our attachment to another mode. On refusal the interface keeps the attachment it had.
	 * Native and generic exclude each other, so that move detaches first and re-attaches the old
	 * mode if the new one is refused; counters continue, as the program and maps stay the same.
	 */
	setMode(target: AttachTarget, mode: XdpMode): void {
		const owned = this.#live(target.ifindex);
		if (!owned) {
			this.attach(target, mode);
			return;
		}
		if (owned.mode === mode) {
			return;
		}
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
				this.#owned.delete(target.ifindex);
				owned.linkFd = -1;
				this.#release(owned);
			}
			throw error;
		}
	}

	/** Detaches ours from the interface. Returns false when nothing was ours. */
	detach(ifindex: number): boolean {
		return this.#detachOwned(ifindex) !== 'none';
	}

	/** 'gone' when the attachment had already gone (its interface deleted, or detached by another process). */
	#detachOwned(ifindex: number): 'detached' | 'gone' | 'none' {
		const owned = this.#owned.get(ifindex);
		if (!owned) {
			return 'none';
		}
		this.#owned.delete(ifindex);
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
	readCounters(ifindex: number, progId: number, withProtos = true): XdpCounters | undefined {
		const owned = this.#owned.get(ifindex);
		if (owned) {
			return owned.reader.read(withProtos);
		}
		const adopted = this.#adoptedReader(progId);
		if (!adopted) {
			return undefined;
		}
		adopted.usedIn = this.#generation;
		return adopted.reader.read(withProtos);
	}

	/**
	 * Ends a round of reads (a monitor tick): readers of other processes' programs that were not
	 * read in it are closed, so the maps of programs that went away are freed.
	 */
	endRound(): void {
		for (const [progId, adopted] of this.#adopted) {
			if (adopted.usedIn !== this.#generation) {
				adopted.fds.forEach(closeFd);
				this.#adopted.delete(progId);
			}
		}
		this.#generation++;
	}

	/**
	 * Re-adopts attachments a previous `xdptop --keep` pinned in this network namespace for
	 * interfaces listed here, so their counters continue and they can be detached. Each is proven
	 * ours (link, program tag, maps) and taken over by unlinking its pin: of two monitors, one
	 * wins. Returns the names adopted.
	 */
	adoptPinned(interfaces: readonly AttachTarget[]): string[] {
		const cookie = netnsCookie();
		let adopted: string[] | undefined;
		try {
			adopted = withPinDirectory(false, directory => {
				const names: string[] = [];
				for (const entry of directory.entries()) {
					const pin = parsePinName(entry);
					const target = pin && pin.cookie === cookie ? interfaces.find(candidate => candidate.ifindex === pin.ifindex) : undefined;
					if (!pin || !target || this.#owned.has(target.ifindex)) {
						continue;
					}
					const linkFd = directory.open(entry);
					if (linkFd === undefined) {
						continue;
					}
					const proven = this.#proveLink(linkFd, pin.linkId, target.ifindex);
					if (!proven || !directory.unpin(entry)) {
						closeFd(linkFd);
						proven?.fds.forEach(closeFd);
						continue;
					}
					this.#owned.set(target.ifindex, {
						target,
						mode: proven.mode,
						linkFd,
						progFd: proven.progFd,
						actionsMapFd: proven.maps.actionsMapFd,
						protosMapFd: proven.maps.protosMapFd,
						object: undefined,
						extraFds: proven.fds,
						reader: new CountersReader(proven.maps.actionsMapFd, proven.maps.protosMapFd),
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
	#proveLink(linkFd: number, linkId: number, ifindex: number): {mode: XdpMode; progFd: number; maps: ProvenMaps; fds: number[]} | undefined {
		const proven = proveLink(linkFd);
		if (!proven) {
			return undefined;
		}
		const {link, progFd, maps} = proven;
		const mode = link.linkId === linkId && link.ifindex === ifindex ? attachedMode(link) : undefined;
		if (!mode || linkHolders(link.linkId).length > 0) {
			releaseProof(proven); // Not that attachment, or a running process's own link pinned from under it.
			return undefined;
		}
		return {mode, progFd, maps, fds: [progFd, maps.actionsMapFd, maps.protosMapFd]};
	}

	/** Pins the link of an attachment of ours under its unique name. */
	#keep(owned: Owned): void {
		const link = linkInfoByFd(owned.linkFd);
		if (!link) {
			throw new BpfError('the attachment is not an XDP link', 22);
		}
		const entry = pinFileName({cookie: netnsCookie(), ifindex: owned.target.ifindex, linkId: link.linkId});
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
						this.detach(owned.target.ifindex);
						failed.push(`could not keep ${name} attached (${error instanceof Error ? error.message : String(error)}), so it was detached`);
						continue;
					}
					this.#owned.delete(owned.target.ifindex);
					this.#release(owned);
					kept.push(`${name} (${owned.mode})`);
				} else if (this.#detachOwned(owned.target.ifindex) === 'gone') {
					gone.push(name);
				} else {
					detached.push(name);
				}
			} catch (error) {
				failed.push(`could not clean up ${name}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		for (const {fds} of this.#adopted.values()) {
			fds.forEach(closeFd);
		}
		this.#adopted.clear();
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

	#release(owned: Owned): void {
		closeFd(owned.linkFd);
		owned.object?.close();
		owned.extraFds.forEach(closeFd);
	}

	#refuseConflicts(target: AttachTarget, state: XdpState, mode: XdpMode): void {
		const blocking = blockingAttachment(state.attachments, mode);
		if (blocking) {
			throw new XdpConflictError(describeConflict(target.name, blocking), 16);
		}
	}

	#load(target: AttachTarget, mode: XdpMode): StatsObject {
		try {
			return StatsObject.load(mode === 'hw' ? {offloadIfindex: target.ifindex} : {});
		} catch (error) {
			throw this.#explain(error, target, mode);
		}
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
		const object = this.#load(owned.target, mode);
		let linkFd: number;
		try {
			linkFd = this.#link(object.progFd, owned.target, mode);
		} catch (error) {
			object.close();
			throw error;
		}
		this.detach(owned.target.ifindex);
		this.#owned.set(owned.target.ifindex, ownedFromObject(owned.target, mode, linkFd, object));
	}

	/** A reader for another xdptop's program: only once it is proven ours, maps and all. */
	#adoptedReader(progId: number): AdoptedReader | undefined {
		const cached = this.#adopted.get(progId);
		if (cached) {
			return cached;
		}
		const maps = proveById(progId);
		if (!maps) {
			return undefined;
		}
		const entry = {reader: new CountersReader(maps.actionsMapFd, maps.protosMapFd), fds: [maps.actionsMapFd, maps.protosMapFd], usedIn: this.#generation};
		this.#adopted.set(progId, entry);
		return entry;
	}
}
