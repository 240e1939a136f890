/**
 * 200 rounds of attach / move / refused move / detach: afterwards no program, map or link that the
 * agent created is left, and the agent's fds are back where they started.
 *
 * Only objects provably the test's own are counted: those the agent held (its /proc fdinfo, read
 * while attached), with an id above every id the kernel had handed out before the
 * rounds (ids only grow). Host-wide counts would move with any other BPF user on the machine
 * (other tests run at the same time), and the kernel frees closed objects asynchronously: the
 * check polls, bounded, until they are gone.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, before, test} from 'node:test';
import {Agent} from '../helpers/agent.js';
import {VethLab} from '../helpers/netns.js';

const ROUNDS = 200;
const FREE_TIMEOUT_MS = 10_000;

type Kind = 'prog' | 'map' | 'link';
const KINDS: readonly Kind[] = ['prog', 'map', 'link'];
type Ids = Record<Kind, Set<number>>;

const noIds = (): Ids => ({prog: new Set(), map: new Set(), link: new Set()});

/** Every program, map and link the kernel has now. */
function liveIds(): Ids {
	const ids = noIds();
	for (const kind of KINDS) {
		const objects = JSON.parse(execFileSync('bpftool', ['-j', kind, 'show'], {encoding: 'utf8'}) || '[]') as Array<{id: number}>;
		for (const {id} of objects) {
			ids[kind].add(id);
		}
	}
	return ids;
}

/** The BPF objects process `pid` holds an fd to, from /proc/PID/fdinfo (a link's fd names its program too). */
function heldBy(pid: number): Ids {
	const ids = noIds();
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		let target: string;
		let info: string;
		try {
			target = readlinkSync(`/proc/${pid}/fd/${fd}`);
			if (!/^anon_inode:bpf[-_](prog|map|link)$/.test(target)) {
				continue;
			}
			info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
		} catch {
			continue; // Closed while we looked.
		}
		for (const kind of KINDS) {
			const id = Number(new RegExp(`^${kind}_id:\\s*(\\d+)$`, 'm').exec(info)?.[1]);
			if (id > 0) {
				ids[kind].add(id);
			}
		}
	}
	return ids;
}

function add(into: Ids, from: Ids, above: Record<Kind, number>): void {
	for (const kind of KINDS) {
		for (const id of from[kind]) {
			if (id > above[kind]) {
				into[kind].add(id);
			}
		}
	}
}

let lab: VethLab;
let agent: Agent;
before(() => {
	lab = new VethLab();
	agent = new Agent(lab.local);
});
after(async () => {
	await agent.kill('SIGKILL').catch(() => undefined);
	lab.remove();
});

test(`${ROUNDS} attach / mode-cycle / detach rounds leave no program, map, link or fd behind`, async () => {
	// A first round loads what a process keeps for good (libbpf, the print callback).
	await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
	await agent.ok({op: 'detach', ifname: lab.localIf});
	const fdsBefore = await agent.ok({op: 'fds'});
	const live = liveIds();
	const maxBefore = Object.fromEntries(KINDS.map(kind => [kind, Math.max(0, ...live[kind])])) as Record<Kind, number>;
	/** Everything the agent created during the rounds, as seen while it was attached. */
	const ours = noIds();
	// The agent holds what is attached (the link, its program, the maps), so its fds name it all.
	const sample = () => add(ours, heldBy(agent.pid), maxBefore);
	for (let round = 0; round < ROUNDS; round++) {
		await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
		sample();
		await agent.ok({op: 'setMode', ifname: lab.localIf, mode: 'skb'});
		sample();
		const refused = await agent.request({op: 'setMode', ifname: lab.localIf, mode: 'hw'});
		assert.equal(refused.ok, false);
		await agent.ok({op: 'setMode', ifname: lab.localIf, mode: 'drv'});
		sample();
		assert.equal(await agent.ok({op: 'detach', ifname: lab.localIf}), true);
	}
	assert.equal(lab.ipLinkXdp(), undefined);
	assert.ok(ours.prog.size >= ROUNDS && ours.link.size >= ROUNDS, `the rounds were seen: ${ours.prog.size} programs, ${ours.link.size} links`);

	// What the agent holds now and did not hold before counts too (a transient object it forgot to close).
	add(ours, heldBy(agent.pid), maxBefore);
	const deadline = Date.now() + FREE_TIMEOUT_MS;
	let left: Record<Kind, number[]>;
	for (;;) {
		const now = liveIds();
		left = Object.fromEntries(KINDS.map(kind => [kind, [...ours[kind]].filter(id => now[kind].has(id))])) as Record<Kind, number[]>;
		if (KINDS.every(kind => left[kind].length === 0) || Date.now() > deadline) {
			break;
		}
		await sleep(100);
	}
	assert.deepEqual(left, {prog: [], map: [], link: []}, 'objects of ours still alive');
	assert.equal(await agent.ok({op: 'fds'}), fdsBefore);
});
