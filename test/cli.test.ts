/** The built CLI end to end: flags, exit codes, and list / --once on a veth pair of our own. */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {once} from 'node:events';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {VethLab} from './helpers/netns.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const FOREIGN_OBJECT = fileURLToPath(new URL('../build/fixtures/xdp_foreign.bpf.o', import.meta.url));

function initMountNamespaceReadable(): boolean {
	try {
		readlinkSync('/proc/1/ns/mnt');
		return true;
	} catch {
		return false;
	}
}

function xdptop(args: readonly string[], options: {namespace?: string; prefix?: readonly string[]} = {}) {
	const command = [...(options.prefix ?? []), ...(options.namespace ? ['nsenter', `--net=/run/netns/${options.namespace}`] : []), process.execPath, CLI, ...args];
	const result = spawnSync(command[0]!, command.slice(1), {encoding: 'utf8', timeout: 30_000});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('bad input: one line, exit 2, no stack trace', () => {
	const cases: Array<[readonly string[], RegExp]> = [
		[['--bogus'], /^xdptop: unknown option --bogus; see xdptop --help\n$/],
		[['-z'], /^xdptop: unknown option -z/],
		[['--interval', 'abc', '--once'], /--interval takes seconds from 0.1 to 60, not 'abc'/],
		[['--interval', '0', '--once'], /--interval takes seconds/],
		[['--interval', '61'], /--interval takes seconds/],
		[['--interval'], /--interval needs a value/],
		[['-n', '1', '-n', '2', '--once'], /--interval can only be set once/],
		[['--once', '--attach', 'turbo', '-i', 'lo'], /--attach takes drv, skb or hw, not 'turbo'/],
		[['--once', '--attach', 'drv'], /--attach needs the interfaces/],
		[['--mode', 'x'], /--mode takes drv, skb or hw/],
		[['list', 'extra'], /unknown command/],
		[['frobnicate'], /unknown command 'frobnicate'/],
		[['list', '-i', 'no-such-if0'], /no interface named 'no-such-if0'; xdptop list shows them/],
		[['--once', '-i', 'no-such-if0', '-n', '0.1'], /no interface named 'no-such-if0'/],
		[['--json=yes'], /^xdptop: --json takes no value\n$/],
		[['--keep=1', '--once'], /--keep takes no value/],
		[['--help=3'], /--help takes no value/],
		[['-i'], /^xdptop: --interface needs a value\n$/],
		[['list', '-i', 'lo', '-i'], /--interface needs a value/],
		[['--interval=-1', '--once'], /--interval takes seconds from 0.1 to 60, not '-1'/],
		[['--interval', '1e309', '--once'], /not '1e309'/],
		[['--interval', '0x10', '--once'], /not '0x10'/],
		[['--mode', 'drv', '--mode', 'skb'], /--mode can only be set once/],
		[['--attach'], /--attach needs a value/],
		[['--demo', '--json'], /--json does not apply to the monitor/],
		[['--demo', '--keep'], /--keep does not apply to --demo/],
		[['list', '--once'], /--once does not apply to list/],
		[['--cleanup', 'list'], /--cleanup does not go with list/],
		[['-c', '3'], /^xdptop: --count goes with -b \(--batch\): -b -c N prints N samples\n$/],
		[['-b', '-c', '0'], /--count takes a whole number of samples from 1, not '0'/],
		[['-b', '-c'], /^xdptop: --count needs a value\n$/],
		[['--listen'], /^xdptop: --listen needs a value\n$/],
		[['--listen', 'nowhere:80'], /--listen takes \[ADDRESS:\]PORT/],
		[['--listen', '9435', '--json'], /--json goes with list, --once or -b/],
		[['-b', '-i', 'no-such-if0'], /no interface named 'no-such-if0'/],
		[['--listen', '9435', '--attach', 'skb'], /--attach needs the interfaces/],
	];
	for (const [args, message] of cases) {
		test(args.join(' '), () => {
			const {status, stdout, stderr} = xdptop(args);
			assert.equal(status, 2);
			assert.equal(stdout, '');
			assert.match(stderr, message);
			assert.equal(stderr.trimEnd().split('\n').length, 1, `one line: ${stderr}`);
			assert.doesNotMatch(stderr, /\s+at .+:\d+:\d+/);
		});
	}
});

test('without CAP_BPF/CAP_NET_ADMIN: a one-line hint to use sudo, exit 1', () => {
	for (const prefix of [
		['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
		['setpriv', '--inh-caps=-bpf,-sys_admin', '--bounding-set=-bpf,-sys_admin'],
	]) {
		const {status, stderr} = xdptop(['list'], {prefix});
		assert.equal(status, 1);
		assert.match(stderr, /^xdptop: missing CAP_BPF.*: run xdptop as root \(sudo xdptop\)\n$/);
	}
});

test('libbpf missing: a one-line error naming the package, exit 1', () => {
	// A private mount namespace where libbpf.so.1 is an empty file: the host's library is untouched.
	const library = '/usr/lib/x86_64-linux-gnu/libbpf.so.1';
	const result = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind /dev/null ${library} && exec "$0" "$@"`, process.execPath, CLI, 'list'], {encoding: 'utf8'});
	assert.equal(result.status, 1);
	assert.match(result.stderr, /^xdptop: cannot load libbpf\.so\.1 \(.*\); install it: apt-get install libbpf1 \(Debian\/Ubuntu\) or dnf install libbpf \(Fedora\)\n$/);
});

test('the kernel refuses to load (root of a user namespace, as in a container): one line, exit 1', () => {
	// unshare -U -r -n: root in a new user and network namespace of this test's own, with no
	// capabilities over the kernel's BPF; the capability check passes, the kernel says no.
	const result = spawnSync('unshare', ['-U', '-r', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, CLI, '--once', '--attach', 'skb', '-i', 'lo', '-n', '0.1'], {encoding: 'utf8'});
	assert.equal(result.status, 1);
	assert.equal(result.stderr, "xdptop: the kernel refused (permission denied): xdptop needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN (or CAP_PERFMON, for the verifier) on the host; run it as root with sudo (a container's root is not enough)\n");
});

test('--help and --version need neither root nor libbpf', () => {
	const help = xdptop(['--help'], {prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']});
	assert.equal(help.status, 0);
	assert.match(help.stdout, /^Usage\n/);
	assert.match(help.stdout, /xdptop list/);
	const version = xdptop(['--version']);
	assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

describe('on a veth pair', () => {
	let lab: VethLab;
	beforeEach(() => {
		lab = new VethLab();
	});
	afterEach(() => lab.remove());

	test('list --json: the interface, its driver, and a foreign program as foreign', () => {
		const before = xdptop(['list', '--json', '-i', lab.localIf], {namespace: lab.local});
		assert.equal(before.status, 0, before.stderr);
		assert.deepEqual(
			(JSON.parse(before.stdout) as Array<Record<string, unknown>>).map(({name, state, driver, xdp}) => ({name, state, driver, xdp})),
			[{name: lab.localIf, state: 'up', driver: 'veth', xdp: []}],
		);
		lab.ip('link', 'set', 'dev', lab.localIf, 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp');
		const progId = lab.ipLinkXdp()?.prog?.id;
		const after = xdptop(['list', '--json'], {namespace: lab.local});
		const entry = (JSON.parse(after.stdout) as Array<{name: string; ifindex: number; xdp: unknown[]}>).find(
			candidate => candidate.name === lab.localIf,
		);
		assert.ok(entry && entry.ifindex > 0);
		const [listed] = entry.xdp as Array<{tag: string; loadedAt: string; jitedBytes: number}>;
		assert.deepEqual(entry.xdp, [
			{
				mode: 'skb',
				progId,
				progName: 'foreign_pass',
				tag: listed?.tag,
				ours: false,
				olderXdptop: false,
				via: 'netlink',
				linkId: null,
				// ip loaded it and let go: a netlink attachment that no process holds.
				holders: [],
				loadedAt: listed?.loadedAt,
				uid: 0,
				functionName: 'foreign_pass',
				mapIds: [],
				jitedBytes: listed?.jitedBytes,
			},
		]);
		assert.ok(Math.abs(Date.parse(listed!.loadedAt) - Date.now()) < 60_000, listed!.loadedAt);
		assert.ok(listed!.jitedBytes > 0);
		assert.match((entry.xdp[0] as {tag: string}).tag, /^[0-9a-f]{16}$/);
		const text = xdptop(['list'], {namespace: lab.local});
		assert.match(text.stdout, new RegExp(`${lab.localIf} +up +veth +skb\\n  └ skb  id ${progId} +foreign_pass +tag [0-9a-f]{16}  foreign, netlink`));
	});

	test('--once --json --attach skb: counts exactly what the peer sent, then detaches', async () => {
		const sent = 1000;
		const child = spawn('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--json', '--attach', 'skb', '-i', lab.localIf, '--interval', '2']);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit');
		const deadline = Date.now() + 10_000;
		while (lab.ipLinkXdp() === undefined && Date.now() < deadline) {
			await sleep(20);
		}
		assert.equal(lab.ipLinkXdp()?.mode, 2, 'attached in skb mode for the window');
		await sleep(300); // Past the first sample.
		lab.send(sent);
		const [code] = await exited;
		assert.equal(code, 0, stderr);
		const [result] = JSON.parse(stdout) as Array<{
			name: string;
			rx: {packets: number; pps: number};
			xdp: {mode: string; actions: Record<string, {packets: number; bytes: number}>; protos: Record<string, {packets: number}>};
		}>;
		assert.equal(result?.name, lab.localIf);
		assert.equal(result.rx.packets, sent);
		assert.ok(result.rx.pps > 0);
		assert.equal(result.xdp.mode, 'skb');
		assert.deepEqual(result.xdp.actions['PASS'], {...result.xdp.actions['PASS'], packets: sent, bytes: sent * 60});
		assert.equal(result.xdp.protos['IPv4 UDP']?.packets, sent);
		assert.equal(result.xdp.actions['DROP']?.packets, 0);
		assert.match(stderr, new RegExp(`^xdptop: detached xdptop_stats from ${lab.localIf}\\n$`));
		assert.equal(lab.ipLinkXdp(), undefined, 'nothing left attached');
	});

	test('--once --attach hw on veth: one-line refusal, exit 1, nothing attached', () => {
		const {status, stderr} = xdptop(['--once', '--attach', 'hw', '-i', lab.localIf, '-n', '0.1'], {namespace: lab.local});
		assert.equal(status, 1);
		assert.equal(stderr, `xdptop: hardware offload is not supported by driver veth on ${lab.localIf}; use drv or skb mode\n`);
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	/** --once --attach in the lab, returned once ours is attached: the child, its exit, and its stderr so far. */
	async function attachedOnce(mode: string, intervalSeconds: number) {
		const child = spawn('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--attach', mode, '-i', lab.localIf, '--interval', String(intervalSeconds)]);
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit') as Promise<[number | null]>;
		const deadline = Date.now() + 10_000;
		while (lab.ipLinkXdp() === undefined && Date.now() < deadline) {
			await sleep(20);
		}
		return {child, exited, stderr: () => stderr};
	}

	test('Ctrl-C during --once --attach detaches before exiting', async () => {
		const {child, exited, stderr} = await attachedOnce('drv', 30);
		assert.equal(lab.ipLinkXdp()?.mode, 1);
		child.kill('SIGINT');
		const [code] = await exited;
		assert.equal(code, 130);
		assert.match(stderr(), /detached xdptop_stats from/);
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('SIGUSR1 opens no debugger in a root process: --once goes on and ends as usual', async () => {
		const {child, exited, stderr} = await attachedOnce('skb', 2);
		assert.equal(lab.ipLinkXdp()?.mode, 2);
		child.kill('SIGUSR1');
		const [code] = await exited;
		assert.equal(code, 0, stderr());
		assert.doesNotMatch(stderr(), /Debugger|inspector/i);
		assert.match(stderr(), /detached xdptop_stats from/);
	});
});

describe('--keep and --cleanup', () => {
	let lab: VethLab;
	beforeEach(() => {
		lab = new VethLab();
	});
	afterEach(() => {
		xdptop(['--cleanup'], {namespace: lab.local});
		lab.remove();
	});

	test('--once --attach --keep leaves it attached and pinned; --cleanup removes both', () => {
		const kept = xdptop(['--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], {namespace: lab.local});
		assert.equal(kept.status, 0, kept.stderr);
		assert.match(kept.stderr, new RegExp(`kept xdptop_stats attached on ${lab.localIf} \\(skb\\)`));
		assert.equal(lab.ipLinkXdp()?.mode, 2);
		const pins = readdirSync('/sys/fs/bpf/xdptop');
		assert.equal(pins.length, 1);
		assert.match(pins[0]!, /^\d+-\d+-\d+$/, 'one pin, named <netns cookie>-<ifindex>-<link id>');
		const listed = JSON.parse(xdptop(['list', '--json', '-i', lab.localIf], {namespace: lab.local}).stdout) as Array<{xdp: Array<{ours: boolean; via: string}>}>;
		assert.deepEqual(listed[0]!.xdp.map(({ours, via}) => ({ours, via})), [{ours: true, via: 'link'}]);

		const cleaned = xdptop(['--cleanup'], {namespace: lab.local});
		assert.equal(cleaned.status, 0);
		assert.match(cleaned.stdout, new RegExp(`detached xdptop_stats kept on ${lab.localIf}`));
		assert.equal(lab.ipLinkXdp(), undefined);
		assert.ok(!existsSync('/sys/fs/bpf/xdptop'), 'the emptied pin directory is removed too');
		assert.equal(xdptop(['--cleanup']).stdout, 'nothing of xdptop was left pinned here\n');
	});

	test('--keep on a read-only bpffs: says it could not keep it, and detaches it', () => {
		// A private mount namespace where /sys/fs/bpf is read-only; the host's bpffs stays writable.
		const script = 'mount -o remount,bind,ro /sys/fs/bpf && exec nsenter --net=/run/netns/"$0" "$@"';
		const result = spawnSync('unshare', ['-m', 'sh', '-c', script, lab.local, process.execPath, CLI, '--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], {encoding: 'utf8'});
		assert.match(result.stderr, new RegExp(`xdptop: could not keep ${lab.localIf} attached \\(cannot create /sys/fs/bpf/xdptop: read-only file system\\), so it was detached\n$`));
		assert.equal(result.status, 1, 'a --keep that did not keep fails');
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('--keep where bpffs is mounted only in a private mount namespace (ip netns exec): says it would not survive, detaches, exits 1', () => {
		// A private mount namespace without bpffs at /sys/fs/bpf, as `ip netns exec` makes; the host's stays as it is.
		const script = 'umount /sys/fs/bpf && exec nsenter --net=/run/netns/"$0" "$@"';
		const result = spawnSync('unshare', ['-m', 'sh', '-c', script, lab.local, process.execPath, CLI, '--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], {encoding: 'utf8'});
		assert.equal(result.status, 1, result.stderr);
		// Where /proc/1/ns/mnt cannot be read (some hosts refuse it even to root), xdptop cannot tell this namespace from the host's, and says so.
		const why = initMountNamespaceReadable() ? 'bpffs is not mounted in this mount namespace \\(as under ip netns exec\\), so a pin would end with xdptop; run xdptop with nsenter' : "bpffs is not mounted at /sys/fs/bpf, and xdptop cannot tell whether this is the host's mount namespace";
		assert.match(result.stderr, new RegExp(`could not keep ${lab.localIf} attached \\(${why}`));
		assert.equal(lab.ipLinkXdp(), undefined);
	});

	test('the program comes from the install directory, never from the current one', () => {
		// A directory that looks like an xdptop checkout with another program in build/.
		const decoy = mkdtempSync(join(tmpdir(), 'xdptop-decoy-'));
		try {
			mkdirSync(join(decoy, 'build'));
			copyFileSync(FOREIGN_OBJECT, join(decoy, 'build', 'xdp_stats.bpf.o'));
			writeFileSync(join(decoy, 'package.json'), '{"name": "xdptop"}');
			const result = spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, '--once', '--attach', 'skb', '--keep', '-i', lab.localIf, '-n', '0.1'], {cwd: decoy, encoding: 'utf8'});
			assert.equal(result.status, 0, result.stderr);
			assert.equal(lab.ipLinkXdp()?.prog?.name, 'xdptop_stats');
		} finally {
			rmSync(decoy, {recursive: true, force: true});
		}
	});
});
