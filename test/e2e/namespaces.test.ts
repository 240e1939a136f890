/**
 * Every network namespace (`list -A`, the hint without it) and --netns, on namespaces the test
 * makes: two named ones joined by a veth pair, and one held only by a sleeping process
 * (`unshare --net`) with a veth pair of its own. A foreign program is attached in one, ours in
 * another (by `xdptop -b --netns`).
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {rmSync, statSync, writeFileSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FOREIGN_OBJECT = fileURLToPath(new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url));

interface Entry {
	name: string;
	netns?: {inode: number; name: string | null; pid: number | null; command: string | null};
	xdp: Array<{progName: string; ours: boolean; mode: string}>;
}

let lab: VethLab;
let holder: ChildProcess;
let stream: ChildProcess;
let streamExit: Promise<[number | null]>;
const planted = `/run/netns/xdptop-planted-${process.pid}`;
const fifo = `/run/netns/xdptop-fifo-${process.pid}`;
const uts = `/run/netns/xdptop-uts-${process.pid}`;
/** A namespace whose name is not UTF-8: the byte 0xff, made and removed through sh's printf. */
const rawName = `xdptop-nu${process.pid}`;
const sh = (script: string) => spawnSync('sh', ['-c', script], {encoding: 'utf8'});

function xdptop(args: readonly string[]) {
	const result = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', timeout: 30_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

function inodeOf(path: string): number {
	return statSync(path).ino;
}

before(async () => {
	lab = new VethLab();
	assert.equal(spawnSync('ip', ['-n', lab.peer, 'link', 'set', 'dev', lab.peerIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp']).status, 0);
	holder = spawn('unshare', ['--net', 'sleep', '120'], {stdio: 'ignore'});
	await sleep(200);
	const inside = ['nsenter', `--net=/proc/${holder.pid}/ns/net`, 'ip'];
	spawnSync(inside[0]!, [...inside.slice(1), 'link', 'add', 'xu0', 'type', 'veth', 'peer', 'name', 'xu1']);
	stream = spawn(process.execPath, [CLI, '-b', '--json', '--netns', lab.local, '--attach', 'skb', '-i', lab.localIf, '-n', '0.5'], {stdio: ['ignore', 'ignore', 'pipe']});
	streamExit = once(stream, 'exit') as Promise<[number | null]>;
	const deadline = Date.now() + 10_000;
	while (lab.ipLinkXdp() === undefined && Date.now() < deadline) {
		await sleep(20);
	}
	assert.equal(lab.ipLinkXdp()?.mode, 2, 'ours attached in the named namespace by -b --netns');
});

after(async () => {
	if (stream.exitCode === null) {
		stream.kill('SIGTERM');
		await streamExit;
	}
	holder.kill('SIGKILL');
	rmSync(planted, {force: true});
	rmSync(fifo, {force: true});
	sh(`umount ${uts} 2>/dev/null; rm -f ${uts}; ip netns del "$(printf '${rawName}\\377')" 2>/dev/null`);
	lab.remove();
});

test('list -A --json: each interface in its namespace, with its name or its holder', () => {
	const result = xdptop(['list', '-A', '--json']);
	assert.equal(result.status, 0, result.stderr);
	const entries = JSON.parse(result.stdout) as Entry[];
	const local = entries.find(entry => entry.name === lab.localIf)!;
	assert.deepEqual(local.netns, {inode: inodeOf(`/run/netns/${lab.local}`), name: lab.local, pid: local.netns!.pid, command: local.netns!.command});
	assert.deepEqual(local.xdp.map(({progName, ours, mode}) => ({progName, ours, mode})), [{progName: 'xdptop_stats', ours: true, mode: 'skb'}]);
	const peer = entries.find(entry => entry.name === lab.peerIf)!;
	assert.equal(peer.netns?.name, lab.peer);
	assert.equal(peer.netns?.inode, inodeOf(`/run/netns/${lab.peer}`));
	assert.deepEqual(peer.xdp.map(({progName, ours}) => ({progName, ours})), [{progName: 'foreign_pass', ours: false}]);
	const held = entries.filter(entry => entry.netns?.inode === inodeOf(`/proc/${holder.pid}/ns/net`));
	assert.deepEqual(held.map(entry => entry.name).sort(), ['lo', 'xu0', 'xu1']);
	assert.deepEqual(held[0]!.netns, {inode: inodeOf(`/proc/${holder.pid}/ns/net`), name: null, pid: holder.pid, command: 'sleep'});
	const text = xdptop(['list', '-A']).stdout;
	assert.match(text, new RegExp(`\\nnetns sleep:${holder.pid}  \\(inode \\d+\\)\\nlo +`));
	assert.match(text, new RegExp(`\\nnetns ${lab.peer}  \\(inode \\d+[^)]*\\)\\nlo [^\\n]*\\n${lab.peerIf} +up +veth +skb\\n  └ skb  id \\d+ +foreign_pass`));
});

test('without -A, list says what the other namespaces hold; --netns NAME and PID list inside', () => {
	const home = xdptop(['list']);
	assert.equal(home.status, 0, home.stderr);
	const [, attachments, namespaces] = /\nXDP in other network namespaces: (\d+) attachments? in (\d+) namespaces? \(xdptop list -A shows them\)\n$/.exec(home.stdout) ?? [];
	assert.ok(Number(attachments) >= 2 && Number(namespaces) >= 2, home.stdout);
	const peer = xdptop(['list', '--netns', lab.peer]);
	assert.equal(peer.status, 0, peer.stderr);
	assert.match(peer.stdout, new RegExp(`\\n${lab.peerIf} +up +veth +skb\\n  └ skb  id \\d+ +foreign_pass`));
	assert.doesNotMatch(peer.stdout, new RegExp(lab.localIf), 'only what is in that namespace');
	const held = JSON.parse(xdptop(['list', '--json', '--netns', String(holder.pid)]).stdout) as Entry[];
	assert.deepEqual(held.map(entry => entry.name).sort(), ['lo', 'xu0', 'xu1']);
});

test('the monitor with --netns: the header counts ours there and what the other namespaces hold', async () => {
	const terminal = new TmuxTerminal([process.execPath, CLI, '--netns', lab.local, '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	try {
		// Ours (attached by -b) is here; the foreign program is in the peer namespace.
		const screen = await terminal.waitFor(/XDP: 1 ours, 0 foreign \(\+\d+ in \d+ other netns\)/);
		const [, attachments] = /\(\+(\d+) in \d+ other netns\)/.exec(screen)!;
		assert.ok(Number(attachments) >= 1, screen);
		assert.match(screen, new RegExp(lab.localIf));
		assert.doesNotMatch(screen, new RegExp(lab.peerIf), 'only the interfaces of that namespace');
		terminal.keys('q');
		await terminal.waitFor(/EXIT=0/);
	} finally {
		terminal.close();
	}
	assert.equal(lab.ipLinkXdp()?.mode, 2, "quitting leaves the stream's attachment alone");
});

test('--keep and --cleanup per namespace: a kept attachment is removed only where it is, named by its namespace', () => {
	const held = String(holder.pid);
	const heldXdp = () => {
		const [link] = JSON.parse(spawnSync('nsenter', [`--net=/proc/${held}/ns/net`, 'ip', '-j', 'link', 'show', 'dev', 'xu0'], {encoding: 'utf8'}).stdout) as Array<{xdp?: {mode: number}}>;
		return link?.xdp?.mode;
	};
	const kept = xdptop(['--once', '--netns', held, '--attach', 'skb', '--keep', '-i', 'xu0', '-n', '0.2']);
	assert.equal(kept.status, 0, kept.stderr);
	assert.match(kept.stderr, /kept xdptop_stats attached on xu0 \(skb\)/);
	assert.equal(heldXdp(), 2, 'kept attached in that namespace');
	// From xdptop's own namespace, where the ifindex of xu0 may name another interface: left alone.
	const home = xdptop(['--cleanup']);
	assert.equal(home.status, 0, home.stderr);
	assert.match(home.stdout, /1 kept in other network namespaces: run xdptop --cleanup --netns NAME\|PID there \(xdptop list -A shows where\)/);
	assert.equal(heldXdp(), 2);
	const there = xdptop(['--cleanup', '--netns', held]);
	assert.equal(there.status, 0, there.stderr);
	assert.match(there.stdout, /^detached xdptop_stats kept on xu0 and removed its pins\n/);
	assert.equal(heldXdp(), undefined);
});

test('--netns refuses what is not a namespace: one line, exit 2', () => {
	writeFileSync(planted, 'not a namespace');
	for (const [args, message] of [
		[['list', '--netns', 'xdptop-no-such-netns'], /^xdptop: --netns: no network namespace named 'xdptop-no-such-netns' \(ip netns list shows them\)\n$/],
		[['list', '--netns', planted.split('/').at(-1)!], /^xdptop: --netns: no network namespace named/],
		[['list', '--netns', '../../proc/1/ns/net'], /--netns takes a name under \/run\/netns/],
		[['list', '-A', '--netns', lab.local], /--netns picks one namespace and -A shows them all/],
		[['--demo', '--netns', lab.local], /--netns does not go with --demo/],
		[['-A', '--demo'], /--all-namespaces does not apply to --demo/],
	] as const) {
		const result = xdptop(args);
		assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.match(result.stderr, message);
	}
	assert.doesNotMatch(xdptop(['list', '-A']).stdout, /xdptop-planted/);
});

test('a hostile /run/netns: a FIFO blocks nothing, another kind of namespace is not a network one, a name of any bytes is found', () => {
	assert.equal(sh(`mkfifo ${fifo}`).status, 0);
	assert.equal(sh(`touch ${uts} && unshare --uts sh -c 'mount --bind /proc/self/ns/uts ${uts}'`).status, 0);
	assert.equal(sh(`ip netns add "$(printf '${rawName}\\377')"`).status, 0);
	const started = Date.now();
	const text = xdptop(['list', '-A']);
	assert.equal(text.status, 0, text.stderr);
	assert.ok(Date.now() - started < 10_000);
	assert.doesNotMatch(text.stdout, /xdptop-fifo|xdptop-uts/);
	assert.match(text.stdout, new RegExp(`\\nnetns ${rawName}\\\\xff  \\(inode \\d+`), text.stdout);
	const entries = JSON.parse(xdptop(['list', '-A', '--json']).stdout) as Entry[];
	assert.ok(entries.some(entry => entry.netns?.name === `${rawName}\uFFFD`));
	assert.equal(xdptop(['list']).status, 0);
	for (const name of [fifo, uts]) {
		const refused = xdptop(['list', '--netns', name.split('/').at(-1)!]);
		assert.equal(refused.status, 2, refused.stderr);
		assert.match(refused.stderr, /^xdptop: --netns: no network namespace named/);
	}
	const byEscape = xdptop(['list', '--json', '--netns', `${rawName}\\xff`]);
	assert.equal(byEscape.status, 0, byEscape.stderr);
	assert.deepEqual((JSON.parse(byEscape.stdout) as Entry[]).map(entry => entry.name), ['lo']);
	const control = xdptop(['list', '--netns', 'a\u001B[31mRED']);
	assert.equal(control.status, 2);
	assert.match(control.stderr, /a\\x1b\[31mRED/);
});

test('SIGTERM ends -b --netns and detaches ours there', async () => {
	stream.kill('SIGTERM');
	const [code] = await streamExit;
	assert.equal(code, 0);
	assert.equal(lab.ipLinkXdp(), undefined);
});
