/**
 * The detail pane's PASS row and its protocol rows come from one read, so they agree exactly
 * even while frames arrive between two system calls; the rows' totals (read without the classes)
 * count the same frames
 * (real kernel, veth pair of our own).
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {XDP_ACTIONS} from '../../source/bpf/abi.js';
import {trafgenConfig} from '../../source/demo/frames.js';
import {Agent} from '../helpers/agent.js';
import {udpFrame, VethLab} from '../helpers/netns.js';

const PASS = XDP_ACTIONS.indexOf('PASS');
const FRAMES = 300_000;

test('PASS equals the sum of the protocol classes in every read, with traffic flowing', async () => {
	const lab = new VethLab();
	const agent = new Agent(lab.local);
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-agree-'));
	try {
		await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
		const config = join(scratch, 'frame.cfg');
		writeFileSync(config, trafgenConfig([udpFrame()]));
		// Bounded: FRAMES frames from the peer namespace over the lab's own veth pair.
		const sender = spawn('nsenter', [`--net=/run/netns/${lab.peer}`, 'trafgen', '--dev', lab.peerIf, '--conf', config, '--num', String(FRAMES), '--cpus', '1', '-q'], {stdio: 'ignore'});
		const finished = once(sender, 'exit');
		let moving = 0;
		let previous = -1;
		let previousTotal = 0;
		for (let read = 0; read < 200 && sender.exitCode === null; read++) {
			const counters = (await agent.ok({op: 'counters', ifname: lab.localIf})) as {actions: number[]; protos: number[]};
			const classes = counters.protos.reduce((sum, value) => sum + value, 0);
			assert.equal(counters.actions[PASS], classes, `read ${read}: PASS and the classes disagree`);
			// The rows show the total read without the classes: counters only grow, so a total read
			// after the classes is never below them, and one read before is never above.
			const total = (await agent.ok({op: 'total', ifname: lab.localIf})) as number;
			assert.ok(total >= classes && total >= previousTotal, `read ${read}: total ${total}, classes ${classes}, total before ${previousTotal}`);
			assert.ok(previousTotal <= classes, `read ${read}: the total read before (${previousTotal}) is above the classes (${classes})`);
			previousTotal = total;
			if (classes !== previous && previous !== -1) {
				moving++;
			}
			previous = classes;
		}
		await finished;
		assert.ok(moving > 0, 'some reads were taken while frames arrived');
		const last = (await agent.ok({op: 'counters', ifname: lab.localIf})) as {actions: number[]; protos: number[]};
		assert.equal(last.actions[PASS], FRAMES);
		assert.equal(await agent.ok({op: 'total', ifname: lab.localIf}), FRAMES, 'the total counted every frame too');
	} finally {
		await agent.kill('SIGKILL').catch(() => undefined);
		lab.remove();
		rmSync(scratch, {recursive: true, force: true});
	}
});
