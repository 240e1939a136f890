/**
 * Attach, count, move and detach on a real veth pair, in namespaces this test creates and
 * removes. An agent process in the local namespace acts through the real XdpSession.
 */
import assert from 'node:assert/strict';
import {after, afterEach, beforeEach, describe, test} from 'node:test';
import {XDP_ACTIONS} from '../../source/bpf/abi.js';
import {type XdpState} from '../../source/model/xdp.js';
import {Agent} from '../helpers/agent.js';
import {VethLab} from '../helpers/netns.js';

const PASS = XDP_ACTIONS.indexOf('PASS');
const FOREIGN_OBJECT = new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url).pathname;
const IP_MODE = {drv: 1, skb: 2, hw: 3} as const;

interface Counters {
	actions: number[];
	protos: number[];
}

describe('XDP on a veth pair', () => {
	let lab: VethLab;
	let agent: Agent;

	beforeEach(() => {
		lab = new VethLab();
		agent = new Agent(lab.local);
	});
	afterEach(async () => {
		await agent.kill('SIGKILL').catch(() => undefined);
		lab.remove();
	});

	async function state(): Promise<XdpState> {
		return (await agent.ok({op: 'state', ifname: lab.localIf})) as XdpState;
	}

	async function passCount(): Promise<number> {
		const counters = (await agent.ok({op: 'counters', ifname: lab.localIf})) as Counters;
		return counters.actions[PASS]!;
	}

	for (const mode of ['drv', 'skb'] as const) {
		test(`${mode}: attached as a bpf_link, seen by bpf_xdp_query and ip link, every frame counted`, async () => {
			await agent.ok({op: 'attach', ifname: lab.localIf, mode});
			const {attachments, attachMode} = await state();
			assert.equal(attachMode, mode);
			assert.equal(attachments.length, 1);
			const [ours] = attachments;
			assert.equal(ours!.progName, 'xdptop_stats');
			assert.equal(ours!.ours, true);
			assert.equal(ours!.via, 'link');
			const ipXdp = lab.ipLinkXdp();
			assert.equal(ipXdp?.mode, IP_MODE[mode]);
			assert.equal(ipXdp?.prog?.id, ours!.progId, 'ip link and bpf_xdp_query name the same program');

			const sent = 2500;
			const passBefore = await passCount();
			const peerBefore = lab.stats(lab.peer, lab.peerIf);
			const localBefore = lab.stats(lab.local, lab.localIf);
			lab.send(sent);
			const passed = (await passCount()) - passBefore;
			const peerTx = lab.stats(lab.peer, lab.peerIf).txPackets - peerBefore.txPackets;
			const localRx = lab.stats(lab.local, lab.localIf).rxPackets - localBefore.rxPackets;
			assert.equal(peerTx, sent, 'the peer sent them all');
			assert.equal(passed, peerTx, 'XDP PASS count equals the peer tx delta');
			assert.equal(passed, localRx, 'XDP PASS count equals the kernel rx delta');
			const counters = (await agent.ok({op: 'counters', ifname: lab.localIf})) as Counters;
			assert.ok(counters.protos[1]! >= sent, 'the frames are IPv4 UDP');

			assert.equal(await agent.ok({op: 'detach', ifname: lab.localIf}), true);
			assert.equal(lab.ipLinkXdp(), undefined, 'detach leaves nothing');
			assert.deepEqual((await state()).attachments, []);
		});
	}

	test('mode cycle drv -> skb keeps counting; hw is refused and leaves skb in place', async () => {
		await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
		lab.send(100);
		assert.equal(await passCount(), 100);
		await agent.ok({op: 'setMode', ifname: lab.localIf, mode: 'skb'});
		assert.equal(lab.ipLinkXdp()?.mode, IP_MODE.skb);
		lab.send(50);
		assert.equal(await passCount(), 150, 'the same maps count on in the new mode');

		const before = lab.ipLinkXdp();
		const refused = await agent.request({op: 'setMode', ifname: lab.localIf, mode: 'hw'});
		assert.equal(refused.ok, false);
		assert.ok(!refused.ok);
		assert.equal(refused.name, 'XdpModeRefusedError');
		assert.equal(refused.message, `hardware offload is not supported by driver veth on ${lab.localIf}; use drv or skb mode`);
		assert.deepEqual(lab.ipLinkXdp(), before, 'the interface keeps the attachment it had');
		assert.equal((await state()).attachMode, 'skb');
	});

	test('hw attach on veth: typed error, interface unchanged', async () => {
		const refused = await agent.request({op: 'attach', ifname: lab.localIf, mode: 'hw'});
		assert.ok(!refused.ok);
		assert.equal(refused.name, 'XdpModeRefusedError');
		assert.match(refused.message, /hardware offload is not supported by driver veth/);
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('a foreign program is listed as foreign and never replaced', async () => {
		lab.ip('link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp');
		const foreignId = lab.ipLinkXdp()?.prog?.id;
		assert.ok(foreignId);
		const {attachments} = await state();
		assert.deepEqual(
			attachments.map(({mode, progName, ours, via}) => ({mode, progName, ours, via})),
			[{mode: 'skb', progName: 'foreign_pass', ours: false, via: 'netlink'}],
		);
		for (const mode of ['drv', 'skb'] as const) {
			const refused = await agent.request({op: 'attach', ifname: lab.localIf, mode});
			assert.ok(!refused.ok, `${mode} attach is refused`);
			assert.equal(refused.name, 'XdpConflictError');
			assert.match(refused.message, new RegExp(`program 'foreign_pass' \\(id ${foreignId}\\) attached in skb mode`));
		}
		assert.equal(await agent.ok({op: 'detach', ifname: lab.localIf}), false, 'detach does not touch it');
		assert.equal(lab.ipLinkXdp()?.prog?.id, foreignId, 'the foreign program is still there');
		await agent.ok({op: 'close', keep: false});
		assert.equal(lab.ipLinkXdp()?.prog?.id, foreignId, 'closing xdptop does not touch it either');
	});

	for (const signal of ['SIGKILL', 'SIGTERM', 'SIGHUP'] as const) {
		test(`${signal} while attached in drv and skb on two interfaces leaves no XDP program`, async () => {
			lab.ip('link', 'add', 'extra0', 'type', 'veth', 'peer', 'name', 'extra1');
			lab.ip('link', 'set', 'extra0', 'up');
			lab.ip('link', 'set', 'extra1', 'up');
			await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'drv'});
			await agent.ok({op: 'attach', ifname: 'extra0', mode: 'skb'});
			assert.equal(lab.ipLinkXdp()?.mode, IP_MODE.drv);
			assert.equal(lab.ipLinkXdp('extra0')?.mode, IP_MODE.skb);
			await agent.kill(signal);
			// The kernel releases each link with the dead process's last fd.
			assert.equal(lab.ipLinkXdp(), undefined);
			assert.equal(lab.ipLinkXdp('extra0'), undefined);
		});
	}

	test('--keep pins the attachment; a later xdptop re-adopts it, counters intact, and can detach it', async () => {
		await agent.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
		lab.send(40);
		await agent.ok({op: 'close', keep: true});
		await agent.stop();
		assert.equal(lab.ipLinkXdp()?.mode, IP_MODE.skb, 'still attached after xdptop ended');
		lab.send(2);

		const next = new Agent(lab.local);
		try {
			assert.deepEqual(await next.ok({op: 'adopt'}), [lab.localIf]);
			assert.equal((await next.ok({op: 'counters', ifname: lab.localIf}) as Counters).actions[PASS], 42);
			assert.equal(await next.ok({op: 'detach', ifname: lab.localIf}), true);
			assert.equal(lab.ipLinkXdp(), undefined);
			assert.deepEqual(await next.ok({op: 'adopt'}), [], 'the pins went with it');
		} finally {
			await next.kill('SIGKILL').catch(() => undefined);
		}
	});
});

after(() => undefined);
