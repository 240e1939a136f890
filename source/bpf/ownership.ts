/**
 * Who holds each attached XDP program, and what the kernel says of it (load time, uid, JIT size,
 * maps, full function name). Holders come from one walk of /proc, made when the set of attached
 * programs changes or every few seconds; a program's details never change, so they are read once.
 */
import {readFileSync} from 'node:fs';
import {type ProgramFacts, type ProgramHolder, type XdpAttachment, type XdpState} from '../model/xdp.js';
import {bpfHolders, type BpfHolders} from './holders.js';
import {programDetails, type ProgramDetails} from './info.js';

const RESCAN_MS = 5000;

/** Boot-time clock now, in nanoseconds (CLOCK_BOOTTIME, as a program's load time is). */
function bootTimeNs(): bigint | undefined {
	try {
		const seconds = readFileSync('/proc/uptime', 'latin1').split(' ')[0]!;
		return BigInt(Math.round(Number.parseFloat(seconds) * 1000)) * 1_000_000n;
	} catch {
		return undefined;
	}
}

const key = (attachments: readonly XdpAttachment[]) =>
	attachments
		.map(attachment => `${attachment.progId}:${attachment.linkId ?? ''}`)
		.sort()
		.join(',');

export class ProgramFactsCollector {
	/** By program id: its details and wall-clock load time, read once; null when unreadable. */
	readonly #details = new Map<number, {readonly details: ProgramDetails; readonly loadedAtMs: number | undefined} | null>();
	#holders: BpfHolders = {programs: new Map(), links: new Map()};
	#scannedAtMs = Number.NEGATIVE_INFINITY;
	#key = '';
	#scanning: Promise<void> | undefined;
	/** The programs of the last refresh: only they get facts. */
	#live: ReadonlySet<number> = new Set();

	/**
	 * Starts a scan when the attached programs changed or the last one is a few seconds old, and
	 * returns at once: until it ends, the facts carry the last scan's holders. One scan at a time.
	 */
	refresh(attachments: readonly XdpAttachment[], nowMs: number): void {
		const current = key(attachments);
		const live = new Set(attachments.map(attachment => attachment.progId));
		this.#live = live;
		for (const id of this.#details.keys()) {
			if (!live.has(id)) {
				this.#details.delete(id);
			}
		}
		if (this.#scanning || (current === this.#key && nowMs - this.#scannedAtMs < RESCAN_MS)) {
			return;
		}
		this.#key = current;
		this.#scannedAtMs = nowMs;
		if (attachments.length === 0) {
			this.#holders = {programs: new Map(), links: new Map()};
			return;
		}
		this.#scanning = bpfHolders()
			.then(holders => {
				this.#holders = holders;
			})
			.finally(() => {
				this.#scanning = undefined;
			});
	}

	/** refresh, then waits for the scan: for a one-shot listing. */
	async refreshed(attachments: readonly XdpAttachment[], nowMs: number): Promise<void> {
		this.refresh(attachments, nowMs);
		await this.#scanning;
	}

	/** The state with the facts of each attachment the last refresh was given, as of its scan. */
	withFacts(state: XdpState): XdpState {
		if (!state.attachments.some(attachment => this.#live.has(attachment.progId))) {
			return state;
		}
		return {
			...state,
			attachments: state.attachments.map(attachment => (this.#live.has(attachment.progId) ? {...attachment, facts: this.#facts(attachment)} : attachment)),
		};
	}

	#facts(attachment: XdpAttachment): ProgramFacts {
		let known = this.#details.get(attachment.progId);
		if (known === undefined) {
			try {
				const details = programDetails(attachment.progId);
				const now = bootTimeNs();
				known = {details, loadedAtMs: now === undefined ? undefined : Date.now() - Number((now - details.loadTimeNs) / 1_000_000n)};
			} catch {
				known = null; // Gone meanwhile, or unreadable: no details, and not asked again.
			}
			this.#details.set(attachment.progId, known);
		}
		const holders: readonly ProgramHolder[] =
			(attachment.via === 'link' && attachment.linkId !== undefined ? this.#holders.links.get(attachment.linkId) : this.#holders.programs.get(attachment.progId)) ?? [];
		return {
			holders,
			loadedAtMs: known?.loadedAtMs,
			uid: known?.details.uid,
			functionName: known?.details.functionName,
			mapIds: known?.details.mapIds ?? [],
			jitedBytes: known?.details.jitedBytes,
		};
	}
}
