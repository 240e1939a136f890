/**
 * Exceptions of someone else's program, in native and generic mode, from xdptop's raw tracepoint
 * programs: a fixture attached by `ip link` fails a known share of frames (by UDP port: one in
 * four aborts, one fails its redirect, one returns an action XDP does not have). Real kernel, a
 * veth pair of the test's own. The tracepoint links are this process's: gone when it ends, also
 * when it is killed.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {EXCEPTION_PROGRAMS} from '../../source/bpf/abi.js';
import {collect} from '../helpers/installed.js';
import {stopSending, udpFrame, VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../build/fixtures/xdp_fail_share.bpf.o', import.meta.url));

/** Ports by what the fixture does with them (port modulo 4). */
const ABORTS = 2000;
const FAILS_REDIRECT = 2001;
const INVALID_ACTION = 2002;
const PASSES = 2003;

function failingLab(mode: 'xdpdrv' | 'xdpgeneric'): VethLab {
	const lab = new VethLab();
	lab.ip('link', 'set', 'dev', lab.localIf, mode, 'obj', FIXTURE, 'sec', 'xdp');
	assert.equal(lab.ipLinkXdp()?.prog?.name, 'fail_by_port');
	return lab;
}

/** Ids of the bpf_links that attach xdptop's tracepoint programs, whoever holds them. */
function exceptionLinks(): Set<number> {
	const names: readonly string[] = Object.values(EXCEPTION_PROGRAMS);
	const links = JSON.parse(execFileSync('bpftool', ['link', '-j'], {encoding: 'utf8'})) as Array<{id: number; type: string; prog_id: number}>;
	const ours = new Set<number>();
	for (const link of links.filter(entry => entry.type === 'raw_tracepoint')) {
		try {
			const program = JSON.parse(execFileSync('bpftool', ['prog', 'show', 'id', String(link.prog_id), '-j'], {encoding: 'utf8'})) as {name: string};
			if (names.includes(program.name)) {
				ours.add(link.id);
			}
		} catch {
			// Gone meanwhile.
		}
	}
	return ours;
}

function added(before: ReadonlySet<number>, now: ReadonlySet<number>): number[] {
	return [...now].filter(id => !before.has(id));
}

/** Which of `ids` the kernel still has, after giving it (bounded) time to free closed objects. */
async function stillThere(ids: readonly number[]): Promise<number[]> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const live = exceptionLinks();
		const left = ids.filter(id => live.has(id));
		if (left.length === 0 || Date.now() > deadline) {
			return left;
		}
		await sleep(100);
	}
}

interface ExceptionsJson {
	source: string;
	packets: number;
	byAction: Record<string, {packets: number; pps: number} | null>;
	unavailable: string | null;
}

for (const mode of ['xdpdrv', 'xdpgeneric'] as const) {
	test(`--once --json (${mode}): each failure counted once, by action, and the links go with xdptop`, async () => {
		const lab = failingLab(mode);
		const linksBefore = exceptionLinks();
		let linksDuring: number[] = [];
		try {
			const run = await collect(
				['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--json', '-i', lab.localIf, '--interval', '3'],
				{},
				async () => {
					await sleep(1500);
					linksDuring = added(linksBefore, exceptionLinks());
					lab.send(40, udpFrame(ABORTS));
					lab.send(30, udpFrame(FAILS_REDIRECT));
					lab.send(20, udpFrame(INVALID_ACTION));
					lab.send(50, udpFrame(PASSES));
				},
			);
			assert.equal(run.status, 0, run.stderr);
			assert.equal(linksDuring.length, 2, 'one link per tracepoint while it runs');
			const [entry] = JSON.parse(run.stdout) as Array<{exceptions: ExceptionsJson}>;
			const {exceptions} = entry!;
			assert.equal(exceptions.source, 'xdp tracepoints');
			assert.equal(exceptions.unavailable, null);
			assert.deepEqual(
				Object.fromEntries(Object.entries(exceptions.byAction).map(([action, rate]) => [action, rate?.packets])),
				{ABORTED: 40, DROP: 0, 'PASS failed': 0, 'TX failed': 0, 'REDIRECT failed': 30, 'invalid action': 20},
			);
			assert.equal(exceptions.packets, 90);
			assert.deepEqual(await stillThere(linksDuring), [], 'no tracepoint link of this run is left');
			assert.equal(lab.ipLinkXdp()?.prog?.name, 'fail_by_port', 'the program is still there, untouched');
		} finally {
			lab.remove();
		}
	});
}

test('--once --json: no exceptions on an interface without XDP (null), none made up for a program that fails nothing', async () => {
	const lab = failingLab('xdpdrv');
	try {
		const run = await collect(
			['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--json', '--interval', '2'],
			{},
			async () => {
				await sleep(1000);
				lab.send(50, udpFrame(PASSES));
			},
		);
		assert.equal(run.status, 0, run.stderr);
		const entries = JSON.parse(run.stdout) as Array<{name: string; exceptions: ExceptionsJson | null}>;
		assert.equal(entries.find(entry => entry.name === 'lo')?.exceptions, null);
		const filtered = entries.find(entry => entry.name === lab.localIf)?.exceptions;
		assert.equal(filtered?.packets, 0);
		assert.equal(filtered?.unavailable, null);
	} finally {
		lab.remove();
	}
});

test('where the kernel has no BTF for the programs (hidden here), --once says why and carries on', async () => {
	const lab = failingLab('xdpgeneric');
	try {
		const run = await collect(
			['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs none /sys/kernel/btf && exec nsenter --net=/run/netns/${lab.local} "$0" "$@"`, process.execPath, CLI, '--once', '--json', '-i', lab.localIf, '--interval', '1'],
			{},
		);
		assert.equal(run.status, 0, run.stderr);
		const [entry] = JSON.parse(run.stdout) as Array<{exceptions: ExceptionsJson}>;
		assert.equal(entry!.exceptions.packets, null);
		assert.equal(entry!.exceptions.unavailable, 'no exception counts: this kernel has no BTF (/sys/kernel/btf/vmlinux), which the tracepoint programs need');
	} finally {
		lab.remove();
	}
});

test('one program on the same ifindex in two namespaces: each interface shows its own exceptions', async () => {
	const pin = `/sys/fs/bpf/xdptop-test-exceptions-${process.pid}`;
	const here = new VethLab();
	const there = new VethLab();
	try {
		execFileSync('bpftool', ['prog', 'load', FIXTURE, pin, 'type', 'xdp']);
		for (const lab of [here, there]) {
			// nsenter, not ip -n: that one mounts a /sys of its own, without the pin.
			execFileSync('nsenter', [`--net=/run/netns/${lab.local}`, 'ip', 'link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'pinned', pin]);
		}
		const ifindexOf = (lab: VethLab) => (JSON.parse(lab.ip('-j', 'link', 'show', 'dev', lab.localIf)) as Array<{ifindex: number}>)[0]!.ifindex;
		assert.equal(ifindexOf(here), ifindexOf(there), 'the same ifindex in both namespaces');
		assert.equal(here.ipLinkXdp()?.prog?.id, there.ipLinkXdp()?.prog?.id, 'the same program');
		const run = await collect(
			['nsenter', `--net=/run/netns/${here.local}`, process.execPath, CLI, '--once', '--json', '-i', here.localIf, '--interval', '3'],
			{},
			async () => {
				await sleep(1500);
				there.send(60, udpFrame(ABORTS));
				here.send(7, udpFrame(ABORTS));
			},
		);
		assert.equal(run.status, 0, run.stderr);
		const [entry] = JSON.parse(run.stdout) as Array<{exceptions: ExceptionsJson}>;
		assert.equal(entry!.exceptions.byAction.ABORTED?.packets, 7);
	} finally {
		here.remove();
		there.remove();
		rmSync(pin, {force: true});
	}
});

test('the monitor: ERR/s in the table, exceptions by action in the pane; SIGKILL takes the links with it', async () => {
	const lab = failingLab('xdpdrv');
	const linksBefore = exceptionLinks();
	// Bounded: 16,000 frames, one every 500 µs (about 8 s), half of them aborted.
	const sender = lab.sendPaced([udpFrame(ABORTS), udpFrame(PASSES)], 16_000, '500us');
	const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf, '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	try {
		await terminal.waitFor(/exceptions [0-9.]+k? ?\/s \(xdp tracepoints\): ABORTED [0-9.]+k?\/s/, 15_000);
		// Two intervals on: rates over whole intervals of steady traffic.
		await sleep(1100);
		const screen = terminal.screen();
		const row = new RegExp(`^> ${lab.localIf} +up +veth +drv +fail_by_port +\\(foreign\\) +([0-9.]+k?) +\\S+ +\\S+ +([0-9.]+k?) +`, 'm').exec(screen);
		assert.ok(row, screen);
		const value = (text: string) => Number.parseFloat(text) * (text.endsWith('k') ? 1000 : 1);
		const share = value(row[2]!) / value(row[1]!);
		assert.ok(share > 0.4 && share < 0.6, `ERR/s is about half of RX: ${row[0]}`);
		assert.doesNotMatch(screen, /REDIRECT failed|invalid action/, 'only what happened is listed');
		const links = added(linksBefore, exceptionLinks());
		assert.equal(links.length, 2, 'one link per tracepoint');
		process.kill(terminal.programPid(), 'SIGKILL');
		await terminal.waitFor(/EXIT=\d+/);
		assert.deepEqual(await stillThere(links), [], 'the kernel took the links with the process');
	} finally {
		terminal.close();
		await stopSending(sender);
		lab.remove();
	}
});
