/**
 * Who holds someone else's program: a process of the test's (the agent) loads a fixture with a
 * long function name and holds its bpf_link, as a running loader would. list --json and the
 * monitor name that process; when it exits, the kernel detaches the program and the table shows
 * it gone within a tick. Real kernel, a veth pair of the test's own.
 */
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {Agent} from '../helpers/agent.js';
import {collect} from '../helpers/installed.js';
import {VethLab} from '../helpers/netns.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../build/fixtures/xdp_long_name.bpf.o', import.meta.url));
const PROGRAM = 'xdp_pass_with_a_rather_long_name';

interface ListedAttachment {
	progName: string;
	ours: boolean;
	via: string;
	holders: Array<{pid: number; command: string}> | null;
	loadedAt: string | null;
	uid: number | null;
	functionName: string | null;
	mapIds: number[] | null;
	jitedBytes: number | null;
}

test('list --json names the process that holds the link, the full function name, uid, load time and JIT size', async () => {
	const lab = new VethLab();
	const agent = new Agent(lab.local);
	try {
		const before = Date.now();
		await agent.ok({op: 'holdForeign', object: FIXTURE, program: PROGRAM, ifname: lab.localIf, mode: 'skb'});
		const run = await collect(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, 'list', '--json', '-i', lab.localIf], {});
		assert.equal(run.status, 0, run.stderr);
		const [entry] = JSON.parse(run.stdout) as Array<{xdp: ListedAttachment[]}>;
		const [attachment] = entry!.xdp;
		assert.equal(attachment!.progName, PROGRAM.slice(0, 15), 'the kernel cuts the name');
		assert.equal(attachment!.functionName, PROGRAM, 'BTF has all of it');
		assert.equal(attachment!.ours, false);
		assert.equal(attachment!.via, 'link');
		assert.deepEqual(attachment!.holders?.map(holder => holder.pid), [agent.pid]);
		assert.equal(attachment!.uid, 0);
		assert.deepEqual(attachment!.mapIds, []);
		assert.ok((attachment!.jitedBytes ?? 0) > 0, 'JIT-compiled');
		const loaded = Date.parse(attachment!.loadedAt ?? '');
		assert.ok(loaded >= before - 2000 && loaded <= Date.now() + 2000, `loaded at ${attachment!.loadedAt}`);
	} finally {
		await agent.stop();
		lab.remove();
	}
});

test('the monitor names the holder; when it exits, the program is gone from the table within a tick', async () => {
	const lab = new VethLab();
	const agent = new Agent(lab.local);
	const terminal = new TmuxTerminal(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '-i', lab.localIf, '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	try {
		await terminal.waitFor(new RegExp(`^> ${lab.localIf} +up +veth +— `, 'm'));
		await agent.ok({op: 'holdForeign', object: FIXTURE, program: PROGRAM, ifname: lab.localIf, mode: 'skb'});
		const screen = await terminal.waitFor(new RegExp(`held by ${agent.pid} `), 10_000);
		assert.match(screen, new RegExp(`function ${PROGRAM}`));
		assert.match(screen, /loaded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · by uid 0 · JIT \d/);
		await agent.stop();
		// Three ticks at most: the row's XDP cell empties once the kernel has dropped the program.
		await terminal.waitFor(new RegExp(`^> ${lab.localIf} +up +veth +— `, 'm'), 1500);
		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	} finally {
		terminal.close();
		await agent.stop();
		lab.remove();
	}
});
