/**
 * Everything this xdptop process has attached, and the one place that undoes it. Attachments
 * are bpf_links, so even SIGKILL detaches them (the kernel drops a link with its last fd),
 * unless the user asked --keep and they were pinned.
 */
import {type XdpCounters} from '../model/counters.js';
import {blockingAttachment, describeConflict, explainAttachFailure} from '../model/messages.js';
import {escapeControl} from '../model/escape.js';
import {type XdpMode, type XdpState} from '../model/xdp.js';
import {ACTIONS_MAP, PROTOS_MAP} from './abi.js';
import {BpfError, XdpConflictError, XdpModeRefusedError} from './errors.js';
import {linkInfoByFd, mapInfoByFd, programInfo} from './info.js';
import {check, closeFd, libbpf} from './libbpf.js';
import {CountersReader} from './maps.js';
import {StatsObject} from './object.js';
import {openPins, pinAttachment, pinnedInterfaces, removePins} from './pins.js';
import {createXdpLink, detachLink, queryXdp} from './xdp.js';

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
	pinned: boolean;
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
		pinned: false,
	};
}

export interface OwnedAttachment {
	readonly ifname: string;
	readonly ifindex: number;
	readonly mode: XdpMode;
	readonly pinned: boolean;
}

export class XdpSession {
	readonly #owned = new Map<number, Owned>();
	/** Readers for our program attached by another xdptop process, by program id. */
	readonly #adopted = new Map<number, {reader: CountersReader; fds: number[]}>();

	owned(): OwnedAttachment[] {
		return [...this.#owned.values()].map(owned => ({
			ifname: owned.target.name,
			ifindex: owned.target.ifindex,
			mode: owned.mode,
			pinned: owned.pinned,
		}));
	}

	ownedMode(ifindex: number): XdpMode | undefined {
		return this.#owned.get(ifindex)?.mode;
	}

	/**
	 * Attaches our program in `mode`. Refuses, without touching anything, when another program
	 * holds the interface; a kernel refusal becomes an XdpModeRefusedError with plain words.
	 */
	attach(target: AttachTarget, mode: XdpMode): void {
		if (this.#owned.has(target.ifindex)) {
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
		const owned = this.#owned.get(target.ifindex);
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
		if (owned.pinned) {
			// The pinned link was the old one: pin the new one in its place.
			removePins(target.name);
			owned.pinned = false;
		}
	}

	/** Detaches ours from the interface (and removes its pins). Returns false when nothing was ours. */
	detach(ifindex: number): boolean {
		const owned = this.#owned.get(ifindex);
		if (!owned) {
			return false;
		}
		this.#owned.delete(ifindex);
		try {
			detachLink(owned.linkFd);
		} catch (error) {
			// ENOLINK: the interface went away and took the attachment with it.
			if (!(error instanceof BpfError && (error.code === 'ENOLINK' || error.code === 'ENODEV'))) {
				throw error;
			}
		} finally {
			this.#release(owned);
			if (owned.pinned) {
				removePins(owned.target.name);
			}
		}
		return true;
	}

	/** Counters of our program on the interface: ours, or another xdptop process's (by program id). */
	readCounters(ifindex: number, progId: number, withProtos = true): XdpCounters | undefined {
		const owned = this.#owned.get(ifindex);
		if (owned) {
			return owned.reader.read(withProtos);
		}
		return this.#adoptedReader(progId)?.read(withProtos);
	}

	/**
	 * Re-adopts attachments a previous `xdptop --keep` pinned for interfaces that exist here, so
	 * their counters continue and they can be detached. Returns the names adopted.
	 */
	adoptPinned(interfaces: readonly AttachTarget[]): string[] {
		const adopted: string[] = [];
		for (const ifname of pinnedInterfaces()) {
			const target = interfaces.find(candidate => candidate.name === ifname);
			if (!target || this.#owned.has(target.ifindex)) {
				continue;
			}
			const fds = openPins(ifname);
			if (!fds) {
				continue;
			}
			const link = linkInfoByFd(fds.linkFd);
			const state = queryXdp(target.ifindex);
			const attachment = state.attachments.find(candidate => candidate.progId === link.progId);
			if (link.ifindex !== target.ifindex || !attachment) {
				// A pin of another namespace's interface, or a link whose interface is gone.
				for (const fd of [fds.linkFd, fds.actionsMapFd, fds.protosMapFd]) {
					closeFd(fd);
				}
				continue;
			}
			const progFd = check('open the pinned program', libbpf().progGetFdById(link.progId));
			this.#owned.set(target.ifindex, {
				target,
				mode: attachment.mode,
				linkFd: fds.linkFd,
				progFd,
				actionsMapFd: fds.actionsMapFd,
				protosMapFd: fds.protosMapFd,
				object: undefined,
				extraFds: [progFd, fds.actionsMapFd, fds.protosMapFd],
				reader: new CountersReader(fds.actionsMapFd, fds.protosMapFd),
				pinned: true,
			});
			adopted.push(ifname);
		}
		return adopted;
	}

	/**
	 * Undoes everything: detaches every attachment of ours, or with keep pins them and lets go.
	 * Never throws: it runs on every exit path. Returns one line for the user.
	 */
	close(options: {keep?: boolean} = {}): string {
		const detached: string[] = [];
		const kept: string[] = [];
		const failed: string[] = [];
		for (const owned of [...this.#owned.values()]) {
			const name = escapeControl(owned.target.name);
			try {
				if (options.keep) {
					try {
						if (!owned.pinned) {
							pinAttachment(owned.target.name, owned);
							owned.pinned = true;
						}
					} catch (error) {
						// Not kept after all: detach rather than leave it to chance.
						this.detach(owned.target.ifindex);
						failed.push(`could not keep ${name} attached (${error instanceof Error ? error.message : String(error)}), so it was detached`);
						continue;
					}
					this.#owned.delete(owned.target.ifindex);
					this.#release(owned);
					kept.push(`${name} (${owned.mode})`);
				} else {
					this.detach(owned.target.ifindex);
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
		if (kept.length > 0) {
			parts.push(`kept xdptop_stats attached on ${kept.join(', ')} (pinned under /sys/fs/bpf/xdptop; xdptop --cleanup removes it)`);
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

	#adoptedReader(progId: number): CountersReader | undefined {
		const cached = this.#adopted.get(progId);
		if (cached) {
			return cached.reader;
		}
		let mapIds: readonly number[];
		try {
			mapIds = programInfo(progId).mapIds;
		} catch {
			return undefined;
		}
		const byName = new Map<string, number>();
		const api = libbpf();
		for (const id of mapIds) {
			const fd = api.mapGetFdById(id);
			if (fd < 0) {
				continue;
			}
			byName.set(mapInfoByFd(fd).name, fd);
		}
		const actions = byName.get(ACTIONS_MAP);
		const protos = byName.get(PROTOS_MAP);
		if (actions === undefined || protos === undefined) {
			byName.forEach(fd => closeFd(fd));
			return undefined;
		}
		const entry = {reader: new CountersReader(actions, protos), fds: [...byName.values()]};
		this.#adopted.set(progId, entry);
		return entry.reader;
	}
}
