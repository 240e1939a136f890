/**
 * 200 rounds of attach / move / refused move / detach: afterwards the kernel's programs, maps
 * and links, and the agent's own fds, are back where they started.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {after, before, test} from 'node:test';
import {Agent} from '../helpers/agent.js';
import {VethLab} from '../helpers/netns.js';

const ROUNDS = 200;

function kernelObjects(): {programs: number; maps: number; links: number} {
	const count = (kind: string) => (JSON.parse(execFileSync('bpftool', ['-j', kind, 'show'], {encoding: 'utf8'}) || '[]') as unknown[]).length;
	return {programs: count('prog'), maps: count('map'), links: count('link')};
}

let lab: VethLab;
let agent: Agent;
before(() => {
	lab = new VethLab();
	agent = new Agent(lab.local);
});
after(async () => {
	await agent.kill('SIGKILL').catch(() => undefined);
	lab.remove();
});

test(`${ROUNDS} attach / mode-cycle / detach rounds leave no program, map, link or fd behind`, async () => {
	// A first round loads what a process keeps for good (libbpf, the print callback).
	await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
	await agent.ok({op: 'detach', ifname: lab.localIf});
	const kernelBefore = kernelObjects();
	const fdsBefore = await agent.ok({op: 'fds'});
	for (let round = 0; round < ROUNDS; round++) {
		await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
		await agent.ok({op: 'setMode', ifname: lab.localIf, mode: 'skb'});
		const refused = await agent.request({op: 'setMode', ifname: lab.localIf, mode: 'hw'});
		assert.equal(refused.ok, false);
		await agent.ok({op: 'setMode', ifname: lab.localIf, mode: 'drv'});
		assert.equal(await agent.ok({op: 'detach', ifname: lab.localIf}), true);
	}
	assert.equal(lab.ipLinkXdp(), undefined);
	assert.deepEqual(kernelObjects(), kernelBefore);
	assert.equal(await agent.ok({op: 'fds'}), fdsBefore);
});
