/**
 * Another namespace's interfaces from xdptop's own netlink dump (what `list -A` and the monitor's
 * -A read there) against what ip says of the same namespace: on a lab namespace with a foreign
 * program in generic mode, ours in native mode and interface names of raw bytes.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {closeSync, fstatSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {cookieHere, visitNetworkNamespace} from '../../source/bpf/netns.js';
import {XdpSession} from '../../source/bpf/session.js';
import {listInterfacesIn, parseIpLinks} from '../../source/net/interfaces.js';
import {NetnsProbe} from '../../source/net/netns-probe.js';
import {VethLab} from '../helpers/netns.js';

const FOREIGN_OBJECT = fileURLToPath(new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url));

let lab: VethLab;
let fd = -1;

before(() => {
	lab = new VethLab();
	assert.equal(spawnSync('ip', ['-n', lab.peer, 'link', 'set', 'dev', lab.peerIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp']).status, 0);
	// A pair named by a byte that is not UTF-8 and by an escape byte, made through sh's printf.
	const made = spawnSync('sh', ['-c', `ip -n ${lab.peer} link add "$(printf 'w\\377x')" type veth peer name "$(printf 'e\\033[1m')" && ip -n ${lab.peer} link set dev "$(printf 'w\\377x')" up`]);
	assert.equal(made.status, 0, made.stderr?.toString());
	fd = openSync(`/run/netns/${lab.peer}`, 'r');
});

after(() => {
	if (fd >= 0) {
		closeSync(fd);
	}
	lab.remove();
});

test("the netlink dump of another namespace says what ip says there: names of any bytes, state, MTU, MAC, link kind, XDP programs", async () => {
	const ip = spawnSync('ip', ['-n', lab.peer, '-details', '-json', 'link', 'show']);
	assert.equal(ip.status, 0);
	const expected = parseIpLinks(ip.stdout);
	const dumped = await listInterfacesIn(fd);
	assert.equal(dumped.length, 4, dumped.map(entry => entry.name).join(' '));
	// Drivers: ip gives link kinds, the dump the ethtool driver where there is one (veth says its own).
	assert.deepEqual(
		dumped.map(({driver: _, ...rest}) => rest),
		expected.map(({driver: _, ...rest}) => rest),
	);
	assert.deepEqual(
		dumped.map(entry => entry.driver),
		expected.map(entry => entry.driver),
	);
	const peer = dumped.find(entry => entry.name === lab.peerIf)!;
	assert.deepEqual(peer.xdpPrograms.map(({mode, progName}) => ({mode, progName})), [{mode: 'skb', progName: 'foreign_pass'}]);
	assert.match(peer.xdpPrograms[0]!.tag, /^[\da-f]{16}$/);
	assert.ok(dumped.some(entry => entry.name === 'w\uDCFFx' && entry.state === 'lowerlayerdown'), 'the raw byte kept, losslessly');
	assert.ok(dumped.some(entry => entry.name === 'e\u001B[1m'), 'the escape byte kept as it is (shown escaped)');
});

test('ours, attached from inside the namespace as the monitor does with -A, is in the dump as ip lists it', async () => {
	const session = new XdpSession();
	let closed = '';
	try {
		const raw = (await listInterfacesIn(fd)).find(entry => entry.name === 'w\uDCFFx')!;
		session.attach({...raw, netns: {cookie: visitNetworkNamespace(fd, cookieHere), within: <T>(fn: () => T) => visitNetworkNamespace(fd, fn)}}, 'drv');
		const ip = parseIpLinks(spawnSync('ip', ['-n', lab.peer, '-details', '-json', 'link', 'show']).stdout).find(entry => entry.ifindex === raw.ifindex)!;
		const dumped = (await listInterfacesIn(fd)).find(entry => entry.ifindex === raw.ifindex)!;
		assert.deepEqual(dumped.xdpPrograms, ip.xdpPrograms);
		assert.deepEqual(dumped.xdpPrograms.map(program => `${program.mode} ${program.progName}`), ['drv xdptop_stats']);
	} finally {
		closed = session.close();
	}
	assert.equal(closed, 'detached xdptop_stats from w\\xffx');
	assert.deepEqual((await listInterfacesIn(fd)).find(entry => entry.name === 'w\uDCFFx')!.xdpPrograms, []);
});

test("a probe let go refuses to visit, even when its fd number is now another namespace's; its path's mount stays free to unmount", () => {
	const held = {fd: openSync(`/run/netns/${lab.peer}`, 'r'), inode: fstatSync(fd).ino, name: lab.peer, pid: null, command: null, own: false};
	const probe = NetnsProbe.of(held, () => undefined);
	closeSync(held.fd); // As the scan does: the probe holds its own fd, opened from inside.
	const number = probe.handle!.within(() => 7);
	assert.equal(number, 7);
	// Its fd is not on the bind mount: a plain umount (not lazy) of another mount of it succeeds.
	const mountPoint = `/tmp/xdptop-probe-${process.pid}`;
	writeFileSync(mountPoint, '');
	try {
		assert.equal(spawnSync('mount', ['--bind', `/run/netns/${lab.peer}`, mountPoint]).status, 0);
		const byPath = openSync(mountPoint, 'r');
		const second = NetnsProbe.of({...held, fd: byPath}, () => undefined);
		closeSync(byPath);
		assert.equal(spawnSync('umount', [mountPoint]).status, 0, 'not busy while a probe holds the namespace');
		second.close();
	} finally {
		spawnSync('umount', [mountPoint]);
		rmSync(mountPoint, {force: true});
	}
	probe.close();
	const reused = openSync(`/run/netns/${lab.local}`, 'r'); // Likely the number the probe's fd had.
	try {
		assert.throws(() => probe.handle!.within(() => 1), /that network namespace is gone/);
	} finally {
		closeSync(reused);
	}
});
