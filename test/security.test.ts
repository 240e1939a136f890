/**
 * xdptop against an attacker on the host, on the real kernel: an unprivileged user planting
 * directories and symbolic links in a world-writable bpffs, root programs that borrow xdptop's
 * names, and several xdptops at once. Each test asserts that the foreign program stays attached,
 * nothing outside xdptop's pin directory changes, and nothing crashes.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, afterEach, before, beforeEach, describe, test} from 'node:test';
import {Agent} from './helpers/agent.js';
import {VethLab} from './helpers/netns.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../build/fixtures/${name}.bpf.o`, import.meta.url));
const PIN_ROOT = '/sys/fs/bpf/xdptop';
const FOREIGN_PIN = '/sys/fs/bpf/xdptop-test-foreign-link';

function xdptop(args: readonly string[], namespace: string) {
	const result = spawnSync('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, CLI, ...args], {encoding: 'utf8', timeout: 30_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** Runs a shell script as the unprivileged user nobody. */
function asNobody(script: string): void {
	const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-ec', script], {encoding: 'utf8'});
	assert.equal(result.status, 0, `as nobody: ${result.stderr}`);
}

/** Tests start with no pin directory (an empty one left by an earlier run is removed). */
function requireNoPinRoot(): void {
	try {
		rmdirSync(PIN_ROOT);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		assert.ok(code === 'ENOENT', `${PIN_ROOT} is in use on this host (${code}): these tests need it free`);
	}
}

function removePlanted(): void {
	rmSync(PIN_ROOT, {recursive: true, force: true}); // Removes a planted symlink itself, never its target.
	rmSync(FOREIGN_PIN, {force: true});
}

/** Labs and the agents a test starts, removed after each test (with what --keep left). */
function labsForEachTest(count: number) {
	let labs: VethLab[] = [];
	let started: Agent[] = [];
	beforeEach(() => {
		requireNoPinRoot();
		labs = Array.from({length: count}, () => new VethLab());
	});
	afterEach(async () => {
		await Promise.all(started.map(agent => agent.kill('SIGKILL').catch(() => undefined)));
		started = [];
		for (const lab of labs) {
			xdptop(['--cleanup'], lab.local);
			lab.remove();
		}
		removePlanted();
	});
	return {
		labs: () => labs,
		agents: {
			start(lab: VethLab): Agent {
				const agent = new Agent(lab.local);
				started.push(agent);
				return agent;
			},
			/** Two agents in the lab (a monitor and another xdptop). */
			startPair(lab: VethLab): [Agent, Agent] {
				return [this.start(lab), this.start(lab)];
			},
		},
	};
}

/**
 * bpffs as a plain `mount -t bpf` leaves it, world-writable (mode 1777), for these tests only:
 * the mode it had is put back after them, also when they fail.
 */
function worldWritableBpffs(): void {
	let mode: number | undefined;
	before(() => {
		mode = statSync('/sys/fs/bpf').mode & 0o7777;
		chmodSync('/sys/fs/bpf', 0o1777);
	});
	after(() => {
		if (mode !== undefined) {
			chmodSync('/sys/fs/bpf', mode);
		}
	});
}

describe('an unprivileged user planting in bpffs', () => {
	worldWritableBpffs();
	const {labs, agents} = labsForEachTest(1);

	test("symlinks to another tool's pinned link make neither --cleanup nor a monitor detach it", async () => {
		const [lab] = labs() as [VethLab];
		const agent = agents.start(lab);
		await agent.ok({op: 'linkForeign', object: fixture('xdp_foreign'), program: 'foreign_pass', ifname: lab.localIf, mode: 'skb', pin: FOREIGN_PIN});
		// Both layouts: the one before pins were named by link, and the one after.
		const links = ['link', 'xdp_actions', 'xdp_protos'].map(name => `ln -s ${FOREIGN_PIN} ${PIN_ROOT}/${lab.localIf}/${name}`);
		asNobody(`mkdir -p ${PIN_ROOT}/${lab.localIf}; ${links.join('; ')}; for i in $(seq 1 9); do ln -s ${FOREIGN_PIN} ${PIN_ROOT}/$i-2-$i; done`);
		const planted = readdirSync(PIN_ROOT).sort();

		const cleanup = xdptop(['--cleanup'], lab.local);
		assert.equal(cleanup.status, 1);
		assert.match(cleanup.stderr, /^xdptop: \/sys\/fs\/bpf\/xdptop is not xdptop's own \(a directory, owner uid 65534, mode 755; .*remove it/);
		assert.equal(lab.ipLinkXdp()?.prog?.name, 'foreign_pass');

		assert.deepEqual(await agent.ok({op: 'adopt'}), []);
		await agent.ok({op: 'close', keep: false});
		await agent.stop();
		assert.equal(lab.ipLinkXdp()?.prog?.name, 'foreign_pass', 'the monitor did not detach it');
		assert.deepEqual(readdirSync(PIN_ROOT).sort(), planted, 'nothing planted was removed');
		assert.ok(lstatSync(`${PIN_ROOT}/${lab.localIf}/link`).isSymbolicLink());
	});

	test('--keep through a planted symlink refuses, detaches, exits 1, and removes nothing outside bpffs', () => {
		const [lab] = labs() as [VethLab];
		const victim = mkdtempSync(join(tmpdir(), 'xdptop-victim-'));
		try {
			mkdirSync(join(victim, lab.localIf));
			writeFileSync(join(victim, lab.localIf, 'precious'), 'root data');
			asNobody(`ln -s ${victim} ${PIN_ROOT}`);
			const kept = xdptop(['--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], lab.local);
			assert.equal(kept.status, 1, 'a --keep that could not keep fails');
			assert.match(kept.stderr, new RegExp(`could not keep ${lab.localIf} attached \\(/sys/fs/bpf/xdptop is not xdptop's own \\(a symbolic link`));
			assert.equal(lab.ipLinkXdp(), undefined, 'not kept, so detached');
			assert.ok(existsSync(join(victim, lab.localIf, 'precious')), 'the directory outside bpffs is intact');
			assert.ok(lstatSync(PIN_ROOT).isSymbolicLink(), 'the planted link itself is left for its owner');
		} finally {
			rmSync(victim, {recursive: true, force: true});
		}
	});

	test('a pin directory of the right owner but a loose mode is refused too', () => {
		const [lab] = labs() as [VethLab];
		mkdirSync(PIN_ROOT, {mode: 0o700});
		spawnSync('chmod', ['1777', PIN_ROOT]);
		const kept = xdptop(['--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], lab.local);
		assert.equal(kept.status, 1);
		assert.match(kept.stderr, /is not xdptop's own \(a directory, owner uid 0, mode 1777/);
		assert.equal(lab.ipLinkXdp(), undefined);
	});
});

describe('root programs that borrow xdptop names', () => {
	const {labs, agents} = labsForEachTest(1);

	for (const [fixtureName, what] of [
		['xdp_impostor_layout', "xdptop's own instructions (same tag) with 4 KiB map values"],
		['xdp_impostor_liar', 'drops everything and counts it as PASS, with the right layout'],
		['xdp_impostor_locked', "runs xdptop's own instructions with the right layout but a spin lock in the map's value (so the kernel will not map it)"],
	] as const) {
		test(`a program named xdptop_stats that ${what} is foreign: never read, never detached`, async () => {
			const [lab] = labs() as [VethLab];
			lab.ip('link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'obj', fixture(fixtureName), 'sec', 'xdp');
			lab.send(10);
			const listed = xdptop(['list', '--json', '-i', lab.localIf], lab.local);
			assert.equal(listed.status, 0, listed.stderr);
			const [entry] = JSON.parse(listed.stdout) as Array<{xdp: Array<{progName: string; ours: boolean; olderXdptop: boolean}>}>;
			assert.deepEqual(entry!.xdp.map(({progName, ours, olderXdptop}) => ({progName, ours, olderXdptop})), [{progName: 'xdptop_stats', ours: false, olderXdptop: false}]);

			const sampled = xdptop(['--once', '--json', '-i', lab.localIf, '-n', '0.2'], lab.local);
			assert.equal(sampled.status, 0, sampled.stderr);
			const [rates] = JSON.parse(sampled.stdout) as Array<{xdp: unknown}>;
			assert.equal(rates!.xdp, null, 'no counters are read from it');

			const agent = agents.start(lab);
			assert.equal(await agent.ok({op: 'counters', ifname: lab.localIf}), undefined, 'the monitor reads none of its maps');
			await agent.ok({op: 'close', keep: false});
			assert.equal(xdptop(['--cleanup'], lab.local).status, 0);
			assert.equal(lab.ipLinkXdp()?.prog?.name, 'xdptop_stats', 'still attached');
		});
	}
});

describe('several xdptops at once', () => {
	const {labs, agents} = labsForEachTest(2);

	test('--keep of the same interface name in two namespaces: both kept, each cleaned up only where it is', () => {
		const [first, second] = labs() as [VethLab, VethLab];
		second.ip('link', 'set', 'dev', second.localIf, 'down');
		second.ip('link', 'set', 'dev', second.localIf, 'name', first.localIf);
		second.ip('link', 'set', 'dev', first.localIf, 'up');
		for (const lab of labs()) {
			const kept = xdptop(['--once', '--attach', 'skb', '--keep', '-i', first.localIf, '-n', '0.1'], lab.local);
			assert.equal(kept.status, 0, kept.stderr);
			assert.match(kept.stderr, /kept xdptop_stats attached/);
		}
		assert.equal(first.ipLinkXdp()?.mode, 2);
		assert.equal(second.ipLinkXdp(first.localIf)?.mode, 2, 'the second --keep did not undo the first');
		assert.equal(readdirSync(PIN_ROOT).length, 2);

		const cleaned = xdptop(['--cleanup'], first.local);
		assert.equal(cleaned.status, 0, cleaned.stderr);
		assert.equal(cleaned.stdout, `detached xdptop_stats kept on ${first.localIf} and removed its pins\n1 kept in other network namespaces: run xdptop --cleanup --netns NAME|PID there (xdptop list -A shows where)\n`);
		assert.equal(first.ipLinkXdp(), undefined);
		assert.equal(second.ipLinkXdp(first.localIf)?.mode, 2, "the other namespace's is still kept");
		assert.match(xdptop(['--cleanup'], second.local).stdout, /^detached xdptop_stats kept on/);
		assert.equal(second.ipLinkXdp(first.localIf), undefined);
	});

	for (const [layout, label] of [
		[0, 'the first counters layout (two maps per program)'],
		[1, 'the second counters layout (slots of a total and a key per class)'],
		[2, 'the third counters layout (a per-CPU key per slot, read by batch lookup)'],
		[3, 'the fourth counters layout (rows read from memory, every frame through the full parse)'],
	] as const) {
		test(`--cleanup removes a --keep of ${label}, proven by its own tag and maps`, async () => {
			const [lab] = labs() as [VethLab];
			const agent = agents.start(lab);
			await agent.ok({op: 'keepPrevious', ifname: lab.localIf, mode: 'skb', layout});
			await agent.ok({op: 'close', keep: false});
			const kept = lab.ipLinkXdp()?.prog;
			assert.equal(kept?.name, 'xdptop_stats');
			assert.equal(readdirSync(PIN_ROOT).length, 1);
			// Shown as what it is, and a refused attach says what removes it.
			assert.match(xdptop(['list', '-i', lab.localIf], lab.local).stdout, / xdptop_stats .* an older xdptop's --keep, bpf_link \d+\n/);
			const [entry] = JSON.parse(xdptop(['list', '--json', '-i', lab.localIf], lab.local).stdout) as Array<{xdp: Array<{ours: boolean; olderXdptop: boolean}>}>;
			assert.deepEqual(entry!.xdp.map(({ours, olderXdptop}) => ({ours, olderXdptop})), [{ours: false, olderXdptop: true}]);
			const refused = xdptop(['--once', '--attach', 'skb', '-i', lab.localIf, '-n', '0.1'], lab.local);
			assert.equal(refused.status, 1);
			assert.match(refused.stderr, new RegExp(`^xdptop: ${lab.localIf} already has 'xdptop_stats' \\(id ${kept!.id}\\), kept by an older xdptop, attached in skb mode; xdptop --cleanup removes it\n$`));
			assert.equal(lab.ipLinkXdp()?.prog?.id, kept!.id, 'left as it was');
			const monitor = agents.start(lab);
			assert.deepEqual(await monitor.ok({op: 'adopt'}), [], 'not adopted: nothing of it is read');
			await monitor.ok({op: 'close', keep: false});
			const cleaned = xdptop(['--cleanup'], lab.local);
			assert.equal(cleaned.status, 0, cleaned.stderr);
			assert.equal(cleaned.stdout, `detached xdptop_stats kept on ${lab.localIf} and removed its pins\n`);
			assert.equal(lab.ipLinkXdp(), undefined);
		});
	}

	test('two monitors adopting the same --keep: one takes it over; --cleanup beside it touches nothing', async () => {
		const [lab] = labs() as [VethLab];
		assert.equal(xdptop(['--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], lab.local).status, 0);
		const [first, second] = agents.startPair(lab);
		assert.deepEqual(await first.ok({op: 'adopt'}), [lab.localIf]);
		assert.deepEqual(await second.ok({op: 'adopt'}), [], 'taken already');
		assert.equal(xdptop(['--cleanup'], lab.local).stdout, 'nothing of xdptop was left pinned here\n');
		assert.equal(lab.ipLinkXdp()?.mode, 2, 'the monitor that adopted it still has it');
		await second.ok({op: 'close', keep: false});
		assert.equal(lab.ipLinkXdp()?.mode, 2, 'the monitor that lost the race detached nothing');
		await first.ok({op: 'close', keep: false});
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test("a monitor reading another xdptop's counters lets go of its maps once that program is gone", async () => {
		const [lab] = labs() as [VethLab];
		const [monitor, other] = agents.startPair(lab);
		await monitor.ok({op: 'endRound'});
		const baseline = await monitor.ok({op: 'fds'});
		for (let round = 0; round < 5; round++) {
			await other.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
			assert.notEqual(await monitor.ok({op: 'counters', ifname: lab.localIf}), undefined, "the other xdptop's program is read");
			await monitor.ok({op: 'endRound'});
			await other.ok({op: 'detach', ifname: lab.localIf});
			await monitor.ok({op: 'endRound'});
		}
		assert.equal(await monitor.ok({op: 'fds'}), baseline);
	});
});

describe('kept attachments whose interface moved, went away, or is not kept at all', () => {
	const {labs, agents} = labsForEachTest(2);

	test('--cleanup names what the link says, not the pin: a deleted interface whose ifindex is reused is not blamed', () => {
		const [lab] = labs() as [VethLab];
		assert.equal(xdptop(['--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], lab.local).status, 0);
		const ifindex = (JSON.parse(lab.ip('-j', 'link', 'show', 'dev', lab.localIf)) as Array<{ifindex: number}>)[0]!.ifindex;
		lab.ip('link', 'del', lab.localIf);
		lab.ip('link', 'add', 'name', 'innocent', 'index', String(ifindex), 'type', 'veth', 'peer', 'name', 'innocent2');
		const cleaned = xdptop(['--cleanup'], lab.local);
		assert.equal(cleaned.stdout, 'detached xdptop_stats kept on an interface that is gone and removed its pins\n');
	});

	test('an interface that moved to another namespace is cleaned up where it is now, and only there', () => {
		const [first, second] = labs() as [VethLab, VethLab];
		assert.equal(xdptop(['--once', '--attach', 'skb', '--keep', '-i', first.localIf, '-n', '0.1'], first.local).status, 0);
		first.ip('link', 'set', 'dev', first.localIf, 'netns', second.local);
		const there = (ifname: string) => second.ipLinkXdp(ifname);
		assert.equal(there(first.localIf)?.mode, 2, 'the attachment moved with the interface');
		// Another interface takes the moved one's ifindex in the first namespace.
		const ifindex = (JSON.parse(second.ip('-j', 'link', 'show', 'dev', first.localIf)) as Array<{ifindex: number}>)[0]!.ifindex;
		// veth makes its peer first: give the peer an index of its own, so it cannot take this one.
		first.ip('link', 'add', 'name', 'innocent', 'index', String(ifindex), 'type', 'veth', 'peer', 'name', 'innocent2', 'index', '999');
		assert.match(xdptop(['--cleanup'], first.local).stdout, /^nothing of xdptop was left pinned here\n1 kept in other network namespaces/);
		assert.equal(there(first.localIf)?.mode, 2, 'not detached from the first namespace');
		assert.equal(xdptop(['--cleanup'], second.local).stdout, `detached xdptop_stats kept on ${first.localIf} and removed its pins\n`);
		assert.equal(there(first.localIf), undefined);
	});

	test("a running xdptop's link pinned under a kept name by another root process is neither adopted nor cleaned up", async () => {
		const [lab] = labs() as [VethLab];
		const [running, monitor] = agents.startPair(lab);
		await running.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
		const state = (await running.ok({op: 'state', ifname: lab.localIf})) as {attachments: Array<{linkId?: number}>};
		const linkId = state.attachments[0]!.linkId!;
		mkdirSync(PIN_ROOT, {mode: 0o700});
		const ifindex = (JSON.parse(lab.ip('-j', 'link', 'show', 'dev', lab.localIf)) as Array<{ifindex: number}>)[0]!.ifindex;
		spawnSync('bpftool', ['link', 'pin', 'id', String(linkId), `${PIN_ROOT}/1-${ifindex}-${linkId}`]);
		// And a per-CPU array pinned under a link's name: its info must not be read as a link's.
		spawnSync('bpftool', ['map', 'create', `${PIN_ROOT}/1-7-1`, 'type', 'percpu_array', 'key', '4', 'value', '16', 'entries', '7', 'name', 'xdp_actions']);
		assert.equal(readdirSync(PIN_ROOT).length, 2);

		assert.deepEqual(await monitor.ok({op: 'adopt'}), []);
		const cleaned = xdptop(['--cleanup'], lab.local);
		assert.equal(
			cleaned.stdout,
			`nothing of xdptop was left pinned here\nleft 1 pinned attachments that running processes hold (not kept by --keep)\nleft 1 entries under ${PIN_ROOT} that are not xdptop's attachments\n`,
		);
		assert.equal(lab.ipLinkXdp()?.mode, 2, "the running xdptop's attachment is still there");
		assert.match(String(await running.ok({op: 'close', keep: false})), new RegExp(`^detached xdptop_stats from ${lab.localIf}$`));
	});

	test('an attachment detached by someone else is reported as already gone, not as detached by us', async () => {
		const [lab] = labs() as [VethLab];
		const running = agents.start(lab);
		await running.ok({op: 'attach', ifname: lab.localIf, mode: 'skb'});
		const state = (await running.ok({op: 'state', ifname: lab.localIf})) as {attachments: Array<{linkId?: number}>};
		assert.equal(spawnSync('bpftool', ['link', 'detach', 'id', String(state.attachments[0]!.linkId!)]).status, 0);
		assert.match(String(await running.ok({op: 'close', keep: false})), /was already detached/);
	});
});
