/**
 * Someone else's native-mode filter, seen only through the driver's own counters: a fixture
 * attached by `ip link` (not by xdptop) drops every UDP frame to an odd port and passes the rest.
 * Real kernel, a veth pair of the test's own; the frames are counted in --once --json and shown
 * in the monitor's detail pane.
 */
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {collect} from '../helpers/installed.js';
import {stopSending, udpFrame, VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FILTER = fileURLToPath(new URL('../../build/fixtures/xdp_odd_drop.bpf.o', import.meta.url));

/** A lab whose local end runs the odd-port filter in native mode, attached with ip as another tool would. */
function filteredLab(): VethLab {
	const lab = new VethLab();
	lab.ip('link', 'set', 'dev', lab.localIf, 'xdpdrv', 'obj', FILTER, 'sec', 'xdp');
	assert.equal(lab.ipLinkXdp()?.mode, 1, 'native mode');
	return lab;
}

test('--once --json: the filter\'s drops and passes, from veth\'s counters, match what was sent', async () => {
	const lab = filteredLab();
	try {
		const run = await collect(
			['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--json', '-i', lab.localIf, '--interval', '3'],
			{},
			async () => {
				// In the middle of the interval: 70 frames to an odd port, 30 to an even one.
				await sleep(1500);
				lab.send(70, udpFrame(12_345));
				lab.send(30, udpFrame(12_346));
			},
		);
		assert.equal(run.status, 0, run.stderr);
		const [entry] = JSON.parse(run.stdout) as Array<{xdp: unknown; driverXdp: {driver: string; source: string; verdicts: Record<string, {packets: number} | null>; notes: string[]}}>;
		assert.equal(entry!.xdp, null, 'not ours: xdptop attached nothing');
		const {driver, source, verdicts, notes} = entry!.driverXdp;
		assert.equal(driver, 'veth');
		assert.equal(source, 'driver counters');
		assert.deepEqual(
			Object.fromEntries(Object.entries(verdicts).map(([verdict, rate]) => [verdict, rate?.packets ?? null])),
			{ABORTED: null, DROP: 70, PASS: 30, TX: 0, REDIRECT: 0},
		);
		assert.ok(notes.some(note => /PASS/.test(note)), 'says PASS is derived');
		assert.equal(lab.ipLinkXdp()?.prog?.name, 'odd_port_filter', 'the filter is still there, untouched');
	} finally {
		lab.remove();
	}
});

test('--once --bpf-stats: the filter ran once per frame; ns per run and CPU share are measured', async () => {
	const lab = filteredLab();
	try {
		const run = await collect(
			['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--json', '--bpf-stats', '-i', lab.localIf, '--interval', '3'],
			{},
			async () => {
				await sleep(1500);
				lab.send(100, udpFrame(12_346));
			},
		);
		assert.equal(run.status, 0, run.stderr);
		const [entry] = JSON.parse(run.stdout) as Array<{runStats: Array<{progName: string; ours: boolean; runs: number; nsPerRun: number; cpuPercent: number}>}>;
		const [stats] = entry!.runStats;
		assert.equal(stats!.progName, 'odd_port_filter');
		assert.equal(stats!.ours, false);
		assert.equal(stats!.runs, 100);
		assert.ok(stats!.nsPerRun > 0 && stats!.cpuPercent > 0, JSON.stringify(stats));
	} finally {
		lab.remove();
	}
});

test('the detail pane shows the filter\'s verdicts from the driver, "—" where it has no counter', async () => {
	const lab = filteredLab();
	// Bounded: 6,000 frames, one every 500 µs (about 3 s), half to an odd port.
	const sender = lab.sendPaced([udpFrame(12_345), udpFrame(12_346)], 6000, '500us');
	const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf, '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	try {
		const screen = await terminal.waitFor(/DROP +[0-9.]+k? +(4[5-9]|5[0-5])\.\d %/, 15_000);
		assert.match(screen, /from veth's counters/);
		// The table: RX is what arrived, XDROP/s the filter's drops (half of it), DROP/s the stack's (none).
		const row = new RegExp(`^> ${lab.localIf} +up +veth +drv +odd_port_fil\\S* +\\(foreign\\) +([0-9.]+k?) +\\S+ +([0-9.]+k?) +0 `, 'm').exec(screen);
		assert.ok(row, screen);
		const value = (text: string) => Number.parseFloat(text) * (text.endsWith('k') ? 1000 : 1);
		const share = value(row[2]!) / value(row[1]!);
		assert.ok(share > 0.4 && share < 0.6, `XDROP/s is about half of RX: ${row[0]}`);
		assert.match(screen, /PASS +[0-9.]+k? +(4[5-9]|5[0-5])\.\d %/);
		assert.match(screen, /ABORTED +—/);
		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		terminal.close();
		await stopSending(sender);
		lab.remove();
	}
});
