/**
 * The monitor across network namespaces (`xdptop -A`) in a real terminal, on namespaces the test
 * makes: two named ones joined by a veth pair (a foreign program on the peer end), a third named
 * one with a pair of its own, and one held only by a sleeping process (`unshare --net`). Ours is
 * attached from the monitor in three of them; two of those then go away under it.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FOREIGN_OBJECT = fileURLToPath(new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url));

const suffix = String(process.pid % 100_000);
/** The third named namespace, and the interfaces of it and of the held one. */
const third = `xdptop-m${suffix}-c`;
const thirdIf = `xm${suffix}c`;
const heldIf = `xm${suffix}h`;
/** A namespace made while the monitor runs. */
const fourth = `xdptop-m${suffix}-d`;

let lab: VethLab;
let holder: ChildProcess;
let terminal: TmuxTerminal;

function ipIn(netnsPath: string, ...args: string[]): string {
	const result = spawnSync('nsenter', [`--net=${netnsPath}`, 'ip', ...args], {encoding: 'utf8'});
	assert.equal(result.status, 0, result.stderr);
	return result.stdout;
}

/** The XDP program on an interface, as ip reports it: mode (1 drv, 2 skb) and name. */
function xdpOf(netnsPath: string, ifname: string): {mode: number; name: string} | undefined {
	const [link] = JSON.parse(ipIn(netnsPath, '-j', 'link', 'show', 'dev', ifname)) as Array<{xdp?: {mode: number; prog?: {name: string}}}>;
	return link?.xdp && {mode: link.xdp.mode, name: link.xdp.prog?.name ?? ''};
}

/** Programs named xdptop_stats loaded on the host (ours, and any left behind). */
function loadedStats(): number {
	const programs = JSON.parse(spawnSync('bpftool', ['-j', 'prog', 'show'], {encoding: 'utf8'}).stdout) as Array<{name?: string}>;
	return programs.filter(program => program.name === 'xdptop_stats').length;
}

/** Shows only the row(s) whose name or namespace contains `text`, the first of them selected. */
async function pick(text: string): Promise<void> {
	// Esc clears the last filter; on its own, so that it is not read as Alt with the next key.
	terminal.keys('Escape');
	await sleep(200);
	terminal.keys('/');
	terminal.keys('-l', text);
	terminal.keys('Enter');
	await terminal.waitFor(new RegExp(`^> ${text}`, 'm'));
}

before(async () => {
	lab = new VethLab();
	assert.equal(spawnSync('ip', ['-n', lab.peer, 'link', 'set', 'dev', lab.peerIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp']).status, 0);
	assert.equal(spawnSync('ip', ['netns', 'add', third]).status, 0);
	ipIn(`/run/netns/${third}`, 'link', 'add', thirdIf, 'type', 'veth', 'peer', 'name', `${thirdIf}p`);
	holder = spawn('unshare', ['--net', 'sleep', '300'], {stdio: 'ignore'});
	await sleep(200);
	ipIn(`/proc/${holder.pid}/ns/net`, 'link', 'add', heldIf, 'type', 'veth', 'peer', 'name', `${heldIf}p`);
});

after(() => {
	terminal?.close();
	holder.kill('SIGKILL');
	spawnSync('ip', ['netns', 'del', third]);
	spawnSync('ip', ['netns', 'del', fourth]);
	lab.remove();
});

function monitor(...interfaces: string[]): TmuxTerminal {
	terminal?.close();
	terminal = new TmuxTerminal([process.execPath, CLI, '-A', '--interval', '0.5', ...interfaces.flatMap(name => ['-i', name])], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	return terminal;
}

test('-A: every namespace in one table; ours attached, moved and counting in any of them; namespaces that go are let go; q detaches everywhere', async () => {
	const baseline = loadedStats();
	monitor(lab.localIf, lab.peerIf, thirdIf, heldIf);
	const start = await terminal.waitFor(new RegExp(`${heldIf} +sleep:${holder.pid} `));
	assert.match(start, /^ {2}IFACE +NETNS +STATE/m);
	assert.match(start, /XDP: 0 ours, 1 foreign in \d+ netns/);
	// Names are cut to the column: the start of each tells them apart here.
	assert.match(start, new RegExp(`${lab.peerIf} +${lab.peer.slice(0, 10)}.* skb +foreign_pass`));
	assert.match(start, new RegExp(`${thirdIf} +${third.slice(0, 10)}`));
	// A namespace made while running is counted at the next tick (every 0.5 s here), and one deleted is not.
	const shown = Number(/ in (\d+) netns/.exec(start)![1]);
	assert.equal(spawnSync('ip', ['netns', 'add', fourth]).status, 0);
	await terminal.waitFor(new RegExp(` in ${shown + 1} netns`), 3000);
	assert.equal(spawnSync('ip', ['netns', 'del', fourth]).status, 0);
	await terminal.waitFor(new RegExp(` in ${shown} netns`), 3000);

	await pick(heldIf);
	terminal.keys('Space');
	await terminal.waitFor(new RegExp(`attached xdptop_stats to ${heldIf} in netns sleep:${holder.pid} in drv mode`));
	assert.deepEqual(xdpOf(`/proc/${holder.pid}/ns/net`, heldIf), {mode: 1, name: 'xdptop_stats'});
	terminal.keys('m');
	await terminal.waitFor(new RegExp(`attached xdptop_stats to ${heldIf} .* in skb mode`));
	assert.deepEqual(xdpOf(`/proc/${holder.pid}/ns/net`, heldIf), {mode: 2, name: 'xdptop_stats'});

	await pick(thirdIf);
	terminal.keys('Space');
	await terminal.waitFor(new RegExp(`attached xdptop_stats to ${thirdIf} in netns ${third} in drv mode`));
	assert.equal(xdpOf(`/run/netns/${third}`, thirdIf)?.name, 'xdptop_stats');

	// Counting there as at home: bounded bursts from the peer namespace to ours on the local end.
	await pick(lab.localIf);
	terminal.keys('Space');
	await terminal.waitFor(new RegExp(`attached xdptop_stats to ${lab.localIf} in netns ${lab.local} in drv mode`));
	for (let burst = 0; burst < 4; burst++) {
		lab.send(2000);
		await sleep(250);
	}
	const counting = terminal.screen();
	assert.match(counting.split('\n').find(line => line.startsWith(`> ${lab.localIf}`)) ?? '', /xdptop_stats ● +[\d.]+k/);
	assert.match(counting, /IPv4 UDP/, 'the detail pane has the breakdown');
	assert.equal(loadedStats(), baseline + 3);

	// The held namespace loses its last process, the third one is deleted: both go from the table.
	await pick(lab.peerIf.slice(0, -1)); // Both ends of the pair, and no other row.
	holder.kill('SIGKILL');
	assert.equal(spawnSync('ip', ['netns', 'del', third]).status, 0);
	const after = await terminal.waitFor(/XDP: 1 ours, 1 foreign in \d+ netns/);
	assert.doesNotMatch(after, new RegExp(`${heldIf}|${thirdIf}`));
	assert.doesNotMatch(after, /error/i);
	assert.equal(loadedStats(), baseline + 1, 'ours in the namespaces that went was let go');

	terminal.keys('q');
	const screen = await terminal.waitFor(/EXIT=0/);
	assert.match(screen, new RegExp(`xdptop: detached xdptop_stats from ${lab.localIf}\\n`));
	assert.equal(lab.ipLinkXdp(), undefined);
	assert.equal(loadedStats(), baseline, 'nothing of ours left loaded anywhere');
	assert.equal(xdpOf(`/run/netns/${lab.peer}`, lab.peerIf)?.name, 'foreign_pass', "someone else's program is left alone");
});

test('-A --keep: ours kept in another namespace is re-adopted by the next xdptop -A there, counted, and detached on quit', async () => {
	terminal?.close();
	const keeping = new TmuxTerminal([process.execPath, CLI, '-A', '--keep', '-i', lab.localIf], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	try {
		await keeping.waitFor(new RegExp(`^> ${lab.localIf}`, 'm'));
		keeping.keys('Space');
		await keeping.waitFor(/in drv mode/);
		keeping.keys('q');
		const kept = await keeping.waitFor(/EXIT=0/);
		assert.match(kept, new RegExp(`kept xdptop_stats attached on ${lab.localIf} \\(drv\\)`));
	} finally {
		keeping.close();
	}
	assert.equal(lab.ipLinkXdp()?.mode, 1, 'kept attached');

	monitor(lab.localIf);
	await terminal.waitFor(new RegExp(`^> ${lab.localIf} .*drv  xdptop_stats ●`, 'm'));
	for (let burst = 0; burst < 3; burst++) {
		lab.send(2000);
		await sleep(300);
	}
	await terminal.waitFor(/IPv4 UDP/, 5000); // Its counters are read again: the breakdown is ours.
	terminal.keys('q');
	const screen = await terminal.waitFor(/EXIT=0/);
	assert.match(screen, new RegExp(`xdptop: detached xdptop_stats from ${lab.localIf}\\n`));
	assert.equal(lab.ipLinkXdp(), undefined);
});
