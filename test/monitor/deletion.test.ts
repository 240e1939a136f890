/**
 * An interface missing from one dump is not taken for deleted (real kernel, a veth lab of the
 * test's own). Before Linux 6.7 an interrupted dump can leave out interfaces that exist; this
 * kernel never does, so a stand-in ip (test/helpers/standin-ip.ts) leaves one out of one dump.
 * The engine must ask the kernel by ifindex before it releases anything: our attachment stays.
 * An interface really deleted is still released at once.
 */
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {type EngineReply, type EngineRequest, type EngineRow} from '../helpers/engine-main.js';
import {LineChild} from '../helpers/line-child.js';
import {VethLab} from '../helpers/netns.js';
import {StandInIp} from '../helpers/standin-ip.js';
import {until} from '../helpers/wait.js';

const ENGINE = fileURLToPath(new URL('../helpers/engine-main.ts', import.meta.url));

describe('the engine when a dump is not the kernel as it is now', () => {
	let lab: VethLab;
	let ip: StandInIp;
	let engine: LineChild;

	const ask = async (request: EngineRequest): Promise<unknown> => {
		const reply = await engine.request<EngineReply>(request);
		if (!reply.ok) {
			throw new Error(`${request.op} failed: ${reply.message}`);
		}
		return reply.value;
	};
	const tick = async () => (await ask({op: 'tick'})) as EngineRow[];
	const owned = async () => ((await ask({op: 'owned'})) as Array<{ifname: string}>).map(entry => entry.ifname);

	beforeEach(() => {
		lab = new VethLab();
		ip = new StandInIp();
		engine = new LineChild(ip.wrap(['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, '--import', 'tsx', ENGINE]), ip.environment);
	});
	afterEach(async () => {
		await engine.stop();
		lab.remove();
		ip.remove();
	});

	test('a dump taken before an attach and answered after it: the attach is not undone on screen', async () => {
		assert.ok((await tick()).some(row => row.name === lab.localIf));
		ip.holdOnce();
		await ask({op: 'tickStart'});
		await until(() => ip.count('held') === 1, 'the stand-in to hold the dump');
		assert.deepEqual(await ask({op: 'setMode', ifname: lab.localIf, target: 'skb'}), {ok: true, message: `attached xdptop_stats to ${lab.localIf} in skb mode`});
		ip.release();
		const rows = (await ask({op: 'tickEnd'})) as EngineRow[];
		assert.deepEqual(
			rows.filter(row => row.name === lab.localIf).map(row => [row.ours, row.mode]),
			[[true, 'skb']],
			'the tick that was on its way shows what is attached now',
		);
	});

	test('left out of one dump while ours is attached: still attached, still shown, still ours', async () => {
		assert.ok((await tick()).some(row => row.name === lab.localIf));
		assert.deepEqual(await ask({op: 'setMode', ifname: lab.localIf, target: 'drv'}), {ok: true, message: `attached xdptop_stats to ${lab.localIf} in drv mode`});
		const attached = (await tick()).find(row => row.name === lab.localIf);
		assert.equal(attached?.ours, true);

		ip.omitOnce(lab.localIf);
		const during = await tick();
		assert.equal(ip.count('omit'), 1, 'the stand-in left it out of that dump');
		assert.equal(lab.ipLinkXdp()?.mode, 1, 'still attached in the kernel');
		assert.deepEqual(during.find(row => row.ifindex === attached!.ifindex), attached, 'the row stays as it was');
		assert.deepEqual(await owned(), [lab.localIf]);

		const after = await tick();
		assert.deepEqual(after.find(row => row.ifindex === attached!.ifindex), attached);
		assert.equal(lab.ipLinkXdp()?.mode, 1);

		await ask({op: 'close', keep: false});
		assert.equal(lab.ipLinkXdp(), undefined, 'and detached when asked');
	});

	test('deleted for real while ours is attached: released on the next tick', async () => {
		lab.ip('link', 'add', 'gone0', 'type', 'veth', 'peer', 'name', 'gone1');
		lab.ip('link', 'set', 'gone0', 'up');
		lab.ip('link', 'set', 'gone1', 'up');
		assert.ok((await tick()).some(row => row.name === 'gone0'));
		assert.equal(((await ask({op: 'setMode', ifname: 'gone0', target: 'skb'})) as {ok: boolean}).ok, true);
		assert.deepEqual(await owned(), ['gone0']);
		lab.ip('link', 'del', 'gone0');
		const rows = await tick();
		assert.ok(!rows.some(row => row.name === 'gone0'), 'the row goes');
		assert.deepEqual(await owned(), [], 'ours is released');
	});

	test('deleted, and its ifindex taken by a new interface between two ticks: attaching there really attaches', async () => {
		lab.ip('link', 'add', 'old0', 'type', 'veth', 'peer', 'name', 'old1');
		lab.ip('link', 'set', 'old0', 'up');
		assert.ok((await tick()).some(row => row.name === 'old0'));
		assert.equal(((await ask({op: 'setMode', ifname: 'old0', target: 'skb'})) as {ok: boolean}).ok, true);
		const ifindex = (JSON.parse(lab.ip('-j', 'link', 'show', 'dev', 'old0')) as Array<{ifindex: number}>)[0]!.ifindex;
		lab.ip('link', 'del', 'old0');
		// veth makes its peer first: an index of its own keeps it off the one being reused.
		lab.ip('link', 'add', 'new0', 'index', String(ifindex), 'type', 'veth', 'peer', 'name', 'new1', 'index', '999');
		lab.ip('link', 'set', 'new0', 'up');
		assert.ok((await tick()).some(row => row.name === 'new0' && row.ifindex === ifindex), 'the index is never missing from a dump');
		assert.equal(((await ask({op: 'setMode', ifname: 'new0', target: 'skb'})) as {ok: boolean}).ok, true);
		assert.equal(lab.ipLinkXdp('new0')?.mode, 2, 'attached for real');
		assert.deepEqual(await owned(), ['new0']);
	});
});
