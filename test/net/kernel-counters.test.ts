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
