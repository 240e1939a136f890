/**
 * Nothing the environment of whoever starts xdptop sets may make it delete or break things: the
 * shipped bundle has no test hooks, and it runs ip, nsenter, sysctl and mount from the system's own
 * directories, never from PATH (and the demo sends its traffic itself). The demo still removes its lab, even when its parent is SIGKILLed.
 * Real kernel, namespaces of the test's own, tmux for the terminal.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {deleteNamespaces, listNamespaces, namespaceAt, processesIn} from '../../source/demo/namespaces.js';
import {linkStats, VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';
import {until} from '../helpers/wait.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const NSENTER = '/usr/bin/nsenter';

/** Polls demo0's received packets in a lab until two reads 300 ms apart satisfy `holds`. */
async function untilReceived(namespace: string, holds: (previous: number, now: number) => boolean, what: string): Promise<void> {
	let previous = -1;
	await until(() => {
		const now = linkStats(namespace, 'demo0').rxPackets;
		const done = previous >= 0 && holds(previous, now);
		previous = now;
		return done;
	}, what, 10_000, 300);
}

/** A directory of fake ip, nsenter, trafgen, sysctl and mount that only leave a mark when run. */
function fakePrograms(): {directory: string; marks: () => string; remove: () => void} {
	const directory = mkdtempSync(join(tmpdir(), 'xdptop-fake-path-'));
	const marker = join(directory, 'ran');
	for (const name of ['ip', 'nsenter', 'trafgen', 'sysctl', 'mount']) {
		const path = join(directory, name);
		writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${marker}'\nexit 1\n`);
		chmodSync(path, 0o755);
	}
	return {
		directory,
		marks: () => (existsSync(marker) ? readFileSync(marker, 'utf8') : ''),
		remove: () => rmSync(directory, {recursive: true, force: true}),
	};
}

test('the shipped bundle holds no test hook and reads no demo variable', () => {
	const bundle = readFileSync(CLI, 'utf8') + readFileSync(CLI.replace(/xdptop\.mjs$/, 'xdptop-main.mjs'), 'utf8');
	for (const name of ['XDPTOP_FAULT_RENDER_AFTER_MS', 'XDPTOP_DEMO', 'injected render fault']) {
		assert.ok(!bundle.includes(name), `dist/ mentions ${name}`);
	}
});

describe('test and demo variables set by the environment', () => {
	let lab: VethLab;
	let victim: VethLab;
	before(() => {
		lab = new VethLab();
		victim = new VethLab();
	});
	after(() => {
		lab.remove();
		victim.remove();
	});

	test('XDPTOP_DEMO_NAMESPACES, XDPTOP_DEMO and XDPTOP_FAULT_RENDER_AFTER_MS: no namespace deleted, no fault, not a demo', async () => {
		const terminal = new TmuxTerminal([NSENTER, `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf], {columns: 120, rows: 40}, {
			LANG: 'C.UTF-8',
			XDPTOP_DEMO: '1',
			XDPTOP_DEMO_NAMESPACES: `${victim.local} ${victim.peer} ${lab.local} ${lab.peer}`,
			XDPTOP_FAULT_RENDER_AFTER_MS: '300',
		});
		try {
			const first = await terminal.waitFor(new RegExp(`> ${lab.localIf} +up`));
			assert.match(first.split('\n')[0]!, /^xdptop  /, 'the header does not say demo');
			await sleep(1500); // Five times the fault's delay.
			assert.doesNotMatch(terminal.screen(), /EXIT=|injected/);
			terminal.keys('q');
			const end = await terminal.waitFor(/EXIT=\d+/);
			assert.match(end, /EXIT=0/);
			assert.doesNotMatch(end, /injected render fault/);
		} finally {
			terminal.close();
		}
		const left = listNamespaces();
		for (const namespace of [victim.local, victim.peer, lab.local, lab.peer]) {
			assert.ok(left.includes(namespace), `${namespace} still exists`);
		}
	});
});

describe('PATH is not where xdptop finds its programs', () => {
	test('list, with fake ip, nsenter, trafgen, sysctl and mount first in PATH: none of them runs', () => {
		const fake = fakePrograms();
		try {
			const result = spawnSync(process.execPath, [CLI, 'list', '--json'], {
				encoding: 'utf8',
				timeout: 30_000,
				env: {...process.env, PATH: `${fake.directory}:${process.env['PATH'] ?? ''}`},
			});
			assert.equal(result.status, 0, result.stderr);
			assert.ok((JSON.parse(result.stdout) as Array<{name: string}>).some(entry => entry.name === 'lo'));
			assert.equal(fake.marks(), '');
		} finally {
			fake.remove();
		}
	});

	test('--demo with the fakes first in PATH: a real lab with real traffic, no fake runs, and the lab is removed on q', async () => {
		const fake = fakePrograms();
		const terminal = new TmuxTerminal([process.execPath, CLI, '--demo', '--interval', '0.5'], {columns: 120, rows: 40}, {
			LANG: 'C.UTF-8',
			PATH: `${fake.directory}:${process.env['PATH'] ?? ''}`,
		});
		let namespaces: string[] = [];
		try {
			await terminal.waitFor(/^xdptop \(demo\)/m, 15_000);
			const parent = terminal.programPid();
			namespaces = [`xdptop-demo-${parent}-a`, `xdptop-demo-${parent}-b`];
			assert.deepEqual(namespaces.filter(name => listNamespaces().includes(name)), namespaces);
			await terminal.waitFor(/demo0 +up +veth/);
			assert.match(terminal.screen(), /demo: ~2,500 frames\/s arrive on demo0 for 60 min/, 'the demo says what it sends, and for how long');
			await untilReceived(namespaces[0]!, (previous, now) => now > previous, 'the demo traffic to arrive');
			const peer = namespaceAt(`/run/netns/${namespaces[1]}`)!;
			assert.deepEqual(processesIn(peer), [], 'sent by the demo itself: no generator runs in the peer namespace');
			terminal.keys('q');
			const end = await terminal.waitFor(/EXIT=\d+/, 15_000);
			assert.match(end, /EXIT=0/);
			assert.deepEqual(namespaces.filter(name => listNamespaces().includes(name)), [], 'the lab is gone');
			assert.equal(fake.marks(), '');
		} finally {
			terminal.close();
			deleteNamespaces(namespaces);
			fake.remove();
		}
	});
});

describe('the demo when its parent is killed outright', () => {
	test('SIGKILL to the parent: its traffic stops; then q in the monitor: the monitor removes the lab', async () => {
		const terminal = new TmuxTerminal([process.execPath, CLI, '--demo', '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
		let namespaces: string[] = [];
		try {
			await terminal.waitFor(/demo0 +up +veth/, 15_000);
			const parent = terminal.programPid();
			namespaces = [`xdptop-demo-${parent}-a`, `xdptop-demo-${parent}-b`];
			await untilReceived(namespaces[0]!, (previous, now) => now > previous, 'the demo traffic to arrive');
			process.kill(parent, 'SIGKILL');
			await terminal.waitFor(/EXIT=137/);
			assert.deepEqual(namespaces.filter(name => listNamespaces().includes(name)), namespaces, 'the lab outlives its parent');
			// The traffic came from the parent: it ended with it.
			await untilReceived(namespaces[0]!, (previous, now) => now === previous, 'the traffic to stop with its parent');
			terminal.keys('q');
			await until(() => namespaces.every(name => !listNamespaces().includes(name)), 'the monitor to remove the lab');
		} finally {
			terminal.close();
			deleteNamespaces(namespaces);
		}
	});

	test('a monitor started in a lab named after its parent but not its own namespace removes nothing', async () => {
		// The pane's shell is the monitor's parent (the inner sh and nsenter exec it): name a lab
		// after that shell, as --demo would, but run the monitor in another namespace.
		const lab = new VethLab();
		const script = `ip netns add xdptop-demo-$PPID-a && ip netns add xdptop-demo-$PPID-b && exec ${NSENTER} --net=/run/netns/${lab.local} ${process.execPath} ${CLI} -i ${lab.localIf}`;
		const terminal = new TmuxTerminal(['sh', '-c', script], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
		// Known before anything can fail, so that the finally removes them whatever happens.
		const shell = terminal.format('#{pane_pid}');
		const namespaces = [`xdptop-demo-${shell}-a`, `xdptop-demo-${shell}-b`];
		try {
			await terminal.waitFor(new RegExp(`> ${lab.localIf} +up`));
			assert.match(terminal.screen().split('\n')[0]!, /^xdptop  /, 'not a demo');
			terminal.keys('q');
			assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
			assert.deepEqual(namespaces.filter(name => listNamespaces().includes(name)), namespaces, 'both still there');
			assert.ok(listNamespaces().includes(lab.local));
		} finally {
			terminal.close();
			deleteNamespaces(namespaces);
			lab.remove();
		}
	});
});
