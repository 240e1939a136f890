/**
 * A small xdptop process for kernel tests: run inside a lab namespace, it takes one JSON request
 * per line on stdin, acts through the real XdpSession, and answers one JSON line.
 */
import {readdirSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {XdpSession} from '../../source/bpf/session.js';
import {check, closeFd, libbpf} from '../../source/bpf/libbpf.js';
import {linkInfoByFd} from '../../source/bpf/info.js';
import {LEGACY_LAYOUTS} from '../../source/bpf/abi.js';
import {proveById} from '../../source/bpf/identity.js';
import {LoadedObject, loadLegacyStatsObject, StatsObject} from '../../source/bpf/object.js';
import {netnsCookie} from '../../source/bpf/netns.js';
import {pinFileName, withPinDirectory} from '../../source/bpf/pins.js';
import {createXdpLink, queryXdp} from '../../source/bpf/xdp.js';
import {listInterfaces} from '../../source/net/interfaces.js';
import {type XdpMode} from '../../source/model/xdp.js';

export type AgentRequest =
	| {op: 'attach' | 'setMode'; ifname: string; mode: XdpMode}
	| {op: 'detach' | 'state' | 'counters' | 'total'; ifname: string}
	| {op: 'adopt'}
	| {op: 'fds'}
	| {op: 'endRound'}
	/** Attaches a fixture through a bpf_link pinned at `pin` (another tool's kept attachment). */
	| {op: 'linkForeign'; object: string; program: string; ifname: string; mode: XdpMode; pin: string}
	/** Attaches a fixture through a bpf_link this process holds open until it exits (another tool's running loader). */
	| {op: 'holdForeign'; object: string; program: string; ifname: string; mode: XdpMode}
	/** What `--keep` of an xdptop with the previous counters layout left: its program linked and pinned under its name. */
	| {op: 'keepPrevious'; ifname: string; mode: XdpMode; layout: number}
	/** xdptop's own object attached on `ifname`, counting in the very slot of the program on `slotOf` (a root process borrowing it). */
	| {op: 'impostorOnSlotOf'; ifname: string; slotOf: string}
	| {op: 'close'; keep: boolean};

const session = new XdpSession();
/** What holdForeign keeps open: the kernel detaches the program when this process exits. */
const held: unknown[] = [];

async function target(ifname: string) {
	const found = (await listInterfaces()).find(candidate => candidate.name === ifname);
	if (!found) {
		throw new Error(`no interface ${ifname}`);
	}
	return found;
}

async function handle(request: AgentRequest): Promise<unknown> {
	switch (request.op) {
		case 'attach':
			session.attach(await target(request.ifname), request.mode);
			return session.owned();
		case 'setMode':
			session.setMode(await target(request.ifname), request.mode);
			return session.owned();
		case 'detach':
			return session.detach(await target(request.ifname));
		case 'state':
			return queryXdp((await target(request.ifname)).ifindex);
		case 'counters': {
			const entry = await target(request.ifname);
			const ours = queryXdp(entry.ifindex).attachments.find(attachment => attachment.ours);
			const counters = ours ? session.readCounters(entry, ours.progId) : undefined;
			return counters && {
				actions: counters.actions.map(record => Number(record.packets)),
				protos: counters.protos!.map(record => Number(record.packets)),
			};
		}
		case 'total': {
			// What a table row shows: the slot's total, read without the classes.
			const entry = await target(request.ifname);
			const ours = queryXdp(entry.ifindex).attachments.find(attachment => attachment.ours);
			const counters = ours ? session.readCounters(entry, ours.progId, false) : undefined;
			return counters && Number(counters.actions[2]!.packets);
		}
		case 'adopt':
			return session.adoptPinned(await listInterfaces());
		case 'fds':
			return readdirSync('/proc/self/fd').length;
		case 'endRound':
			session.endRound();
			return null;
		case 'linkForeign': {
			const object = LoadedObject.load(request.object, request.program, []);
			try {
				const linkFd = createXdpLink(object.progFd, (await target(request.ifname)).ifindex, request.mode);
				check('pin the link', libbpf().objPin(linkFd, request.pin));
				closeFd(linkFd);
			} finally {
				object.close();
			}
			return null;
		}
		case 'holdForeign': {
			const object = LoadedObject.load(request.object, request.program, []);
			held.push(object, createXdpLink(object.progFd, (await target(request.ifname)).ifindex, request.mode));
			return null;
		}
		case 'keepPrevious': {
			const object = loadLegacyStatsObject(LEGACY_LAYOUTS[request.layout]!);
			const {ifindex} = await target(request.ifname);
			try {
				const linkFd = createXdpLink(object.progFd, ifindex, request.mode);
				const entry = pinFileName({cookie: netnsCookie(), ifindex, linkId: linkInfoByFd(linkFd)!.linkId});
				withPinDirectory(true, directory => directory.pin(linkFd, entry));
				closeFd(linkFd);
			} finally {
				object.close();
			}
			return null;
		}
		case 'impostorOnSlotOf': {
			const victim = queryXdp((await target(request.slotOf)).ifindex).attachments[0]!;
			const proven = proveById(victim.progId)!;
			const object = StatsObject.load({slot: {mapFd: proven.mapFd, firstRow: proven.firstRow}});
			held.push(object, createXdpLink(object.progFd, (await target(request.ifname)).ifindex, 'skb'));
			closeFd(proven.mapFd);
			return null;
		}
		case 'close':
			return session.close({keep: request.keep});
	}
}

const lines = createInterface({input: process.stdin});
for await (const line of lines) {
	let reply: unknown;
	try {
		reply = {ok: true, value: await handle(JSON.parse(line) as AgentRequest)};
	} catch (error) {
		const failure = error as {name?: string; message?: string; code?: string};
		reply = {ok: false, name: failure.name, message: failure.message, code: failure.code};
	}
	process.stdout.write(`${JSON.stringify(reply)}\n`);
}
session.close();
