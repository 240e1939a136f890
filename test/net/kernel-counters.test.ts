/**
 * The kernel's counters as xdptop reads them (a netlink RTM_GETSTATS dump) against /proc/net/dev,
 * on a lab's veth pair with traffic: the same numbers for every interface, and exactly the
 * frames sent.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {udpFrame, VethLab} from '../helpers/netns.js';

/** Runs in the lab's namespace: both readings, by ifindex, as JSON (bigints as strings). */
const READER = `
import {readFileSync} from 'node:fs';
import {KernelCounters} from '${new URL('../../source/net/kernel-counters.ts', import.meta.url).pathname}';
const counters = new KernelCounters();
const netlink = Object.fromEntries([...counters.read()].map(([ifindex, c]) => [ifindex, [c.rxPackets, c.rxBytes, c.rxDropped].map(String)]));
counters.close();
const procfs = {};
for (const line of readFileSync('/proc/net/dev', 'latin1').split('\\n').slice(2)) {
	const [name, rest] = line.split(':');
	if (!rest) continue;
	const fields = rest.trim().split(/\\s+/);
	const ifindex = Number(readFileSync('/sys/class/net/' + name.trim() + '/ifindex', 'utf8'));
	procfs[ifindex] = [fields[1], fields[0], fields[3]];
}
process.stdout.write(JSON.stringify({netlink, procfs}));
`;

function readBoth(lab: VethLab): {netlink: Record<string, string[]>; procfs: Record<string, string[]>} {
	// ip netns exec mounts a /sys of the lab's namespace: its interfaces' ifindex files are there.
	return JSON.parse(
		execFileSync('ip', ['netns', 'exec', lab.local, process.execPath, '--import', 'tsx', '--input-type=module', '-e', READER], {encoding: 'utf8'}),
	) as {netlink: Record<string, string[]>; procfs: Record<string, string[]>};
}

test('netlink counters equal /proc/net/dev for every interface, and count exactly the frames sent', () => {
	const lab = new VethLab();
	try {
		const before = readBoth(lab);
		assert.deepEqual(before.netlink, before.procfs);
		lab.send(37, udpFrame());
		const after = readBoth(lab);
		assert.deepEqual(after.netlink, after.procfs);
		const ifindex = (JSON.parse(lab.ip('-j', 'link', 'show', 'dev', lab.localIf)) as Array<{ifindex: number}>)[0]!.ifindex;
		assert.equal(BigInt(after.netlink[ifindex]![0]!) - BigInt(before.netlink[ifindex]![0]!), 37n);
	} finally {
		lab.remove();
	}
});

/**
 * Runs in the lab's namespace: one reader's map after each step beside a new reader's, and whether
 * the map and an idle interface's counters were kept from the step before. The steps: interfaces
 * added, frames received, interfaces replaced by as many others, again with a dump that fails at
 * its end in between, a dump that fails at its first message, interfaces deleted.
 */
const STEPS = `
import {execFileSync} from 'node:child_process';
import {KernelCounters} from '${new URL('../../source/net/kernel-counters.ts', import.meta.url).pathname}';
import {openPacketSocket} from '${new URL('../../source/bpf/packet-socket.ts', import.meta.url).pathname}';
import {RouteSocket} from '${new URL('../../source/bpf/netlink.ts', import.meta.url).pathname}';
import {LinkStatsDump} from '${new URL('../../source/bpf/link-stats.ts', import.meta.url).pathname}';
const plain = map => Object.fromEntries([...map].map(([ifindex, c]) => [ifindex, [c.rxPackets, c.rxBytes, c.rxDropped].map(String)]));
const counters = new KernelCounters();
const afresh = () => {
	const other = new KernelCounters();
	try {
		return plain(other.read());
	} finally {
		other.close();
	}
};
const ip = (...args) => execFileSync('ip', args);
const steps = [];
let last = counters.read();
let lastLo = last.get(1);
const step = (name, more = {}) => {
	const map = counters.read();
	steps.push({name, kept: plain(map), fresh: afresh(), sameMap: map === last, sameLo: map.get(1) === lastLo, ...more});
	last = map;
	lastLo = map.get(1);
};
step('nothing');
ip('link', 'add', 'kca0', 'type', 'veth', 'peer', 'name', 'kcb0');
ip('link', 'set', 'kca0', 'up');
ip('link', 'set', 'kcb0', 'up');
step('added');
const socket = openPacketSocket('/proc/self/ns/net', 'kcb0');
const frame = Buffer.alloc(60);
frame.fill(0xff, 0, 6);
frame.writeUInt16BE(0x88b5, 12);
for (let index = 0; index < 5; index++) socket.send(frame);
socket.close();
step('received');
ip('link', 'del', 'kca0');
ip('link', 'add', 'kcc0', 'type', 'veth', 'peer', 'name', 'kcd0');
step('replaced');
// The dump itself, which the counters' reader starts again after a failure: its own map must not
// trust what a dump that failed took.
const direct = LinkStatsDump.open();
direct.read();
ip('link', 'del', 'kcc0');
ip('link', 'add', 'kce0', 'type', 'veth', 'peer', 'name', 'kcf0');
// Its next dump fails once its messages are read.
const dump = RouteSocket.prototype.dump;
RouteSocket.prototype.dump = function (...args) {
	RouteSocket.prototype.dump = dump;
	dump.apply(this, args);
	throw new Error('failed at its end');
};
let failed = false;
try {
	direct.read();
} catch {
	failed = true;
}
step(failed ? 'after a failed read' : 'no read failed', {direct: plain(direct.read())});
direct.close();
// A dump given up at its first message runs on in the kernel when it needs more receives than
// the one that failed, and answers EBUSY to the next requests: the reader starts on a new socket.
RouteSocket.prototype.dump = function (type, body, answerType, what) {
	RouteSocket.prototype.dump = dump;
	dump.call(this, type, body, answerType, what, () => {
		throw new Error('failed at its first message');
	});
};
failed = false;
try {
	counters.read();
} catch {
	failed = true;
}
step(failed ? 'after a read failed midway' : 'no read failed midway');
ip('link', 'del', 'kce0');
step('deleted');
counters.close();
process.stdout.write(JSON.stringify(steps));
`;

test('one reader keeps its map from read to read, and it equals a new reader\'s after interfaces come, count and go', () => {
	const lab = new VethLab();
	try {
		const steps = JSON.parse(
			execFileSync('ip', ['netns', 'exec', lab.local, process.execPath, '--import', 'tsx', '--input-type=module', '-e', STEPS], {encoding: 'utf8'}),
		) as Array<{name: string; kept: Record<string, string[]>; fresh: Record<string, string[]>; sameMap: boolean; sameLo: boolean; direct?: Record<string, string[]>}>;
		assert.deepEqual(steps.map(({name}) => name), ['nothing', 'added', 'received', 'replaced', 'after a failed read', 'after a read failed midway', 'deleted']);
		for (const {name, kept, fresh, sameMap, sameLo} of steps) {
			assert.deepEqual(kept, fresh, name);
			// After a dump given up midway, the reader starts again on a new socket.
			const again = name === 'after a read failed midway';
			assert.equal(sameMap, !again, `${name}: the same map`);
			assert.equal(sameLo, !again, `${name}: lo did not count, and kept its counters' object`);
		}
		const [nothing, added, received, replaced, afterFailure, , deleted] = steps;
		const newOnes = Object.keys(added!.kept).filter(ifindex => !(ifindex in nothing!.kept));
		assert.equal(newOnes.length, 2, 'both ends of the new pair');
		const counted = newOnes.filter(ifindex => received!.kept[ifindex]![0] !== added!.kept[ifindex]![0]);
		assert.equal(counted.length, 1, 'the frames arrived on one end');
		assert.equal(BigInt(received!.kept[counted[0]!]![0]!) - BigInt(added!.kept[counted[0]!]![0]!), 5n);
		assert.equal(Object.keys(replaced!.kept).length, Object.keys(received!.kept).length, 'a pair for a pair');
		assert.ok(newOnes.every(ifindex => !(ifindex in replaced!.kept)), 'the pair replaced is gone from the map');
		assert.equal(Object.keys(afterFailure!.kept).length, Object.keys(replaced!.kept).length, 'again a pair for a pair');
		assert.deepEqual(afterFailure!.direct, afterFailure!.fresh, 'the dump read after one that failed at its end');
		assert.deepEqual(Object.keys(deleted!.kept), Object.keys(nothing!.kept), 'and the last pair is gone too');
	} finally {
		lab.remove();
	}
});
