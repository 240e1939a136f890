/**
 * The single executable (make single) on a host without Node: run in a private mount namespace
 * where /usr/bin/node is a file nobody can execute, and /tmp is mounted noexec (so koffi's native
 * module must go elsewhere), with a PATH of system directories only, from another directory, on a
 * veth pair of the test's own with traffic. What it writes to load koffi must be gone afterwards.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {deleteNamespaces, listNamespaces} from '../source/demo/namespaces.js';
import {Agent} from './helpers/agent.js';
import {checkList, checkOnceAttach, collect, ROOT, type Run, type Runner} from './helpers/installed.js';
import {VethLab} from './helpers/netns.js';
import {TmuxTerminal} from './helpers/tmux.js';

const SINGLE = fileURLToPath(new URL('../build/xdptop', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'xdptop-single-'));
const notExecutable = join(scratch, 'no-node');
writeFileSync(notExecutable, '', {mode: 0o644});
after(() => rmSync(scratch, {recursive: true, force: true}));

/** Where the script puts its copy of the executable: a tmpfs of its own, wherever the tree lives. */
const COPY = '/mnt/xdptop';

/**
 * In a private mount namespace: copies the executable to a tmpfs on /mnt (the tree may well be
 * under /tmp, which is covered next), hides node, mounts a noexec /tmp and `masks` more, runs the
 * command, then prints what xdptop left in /tmp and /dev/shm after a marker line on stderr. The
 * mounts die with the namespace.
 */
function hostWithoutNode(masks = ''): string {
	return `
set -e
mount -t tmpfs -o mode=755 xdptop-test /mnt
cp '${SINGLE}' ${COPY}
for node in /usr/bin/node /usr/local/bin/node; do [ -e "$node" ] && mount --bind '${notExecutable}' "$node"; done
if node --version >/dev/null 2>&1; then echo 'node still runs' >&2; exit 99; fi
mount -t tmpfs -o noexec,mode=1777 xdptop-test /tmp
${masks}
cd /
before=$(ls -A /dev/shm | grep '^xdptop-' || true)
set +e
"$@"
status=$?
echo "LEFT /tmp: $(ls -A /tmp) /dev/shm: $( (ls -A /dev/shm | grep '^xdptop-'; echo "$before") | sort | uniq -u)" >&2
exit $status
`;
}

const HOST_WITHOUT_NODE = hostWithoutNode();
/** Also /dev/shm, /run and /var/tmp noexec: nowhere left to load koffi from. */
const NOWHERE_EXECUTABLE = hostWithoutNode('for directory in /dev/shm /run /var/tmp; do mount -t tmpfs -o noexec,mode=1777 xdptop-test "$directory"; done');

interface SingleRun extends Run {
	/** What xdptop left in /tmp and /dev/shm, as the script printed it. */
	readonly left: string | undefined;
}

function singleRunner(script = HOST_WITHOUT_NODE): Runner<SingleRun> {
	return async (args, namespace, during) => {
		const command = [...(namespace ? ['/usr/bin/nsenter', `--net=/run/netns/${namespace}`] : []), COPY, ...args];
		const run = await collect(
			['/usr/bin/unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', ...command],
			{env: {PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8'}},
			during,
		);
		const [stderr, left] = run.stderr.split('LEFT ');
		return {...run, stderr: stderr ?? '', left: left?.trim()};
	};
}

const NOTHING_LEFT = '/tmp:  /dev/shm:';

test('the single executable: one file, about Node\'s size', () => {
	const megabytes = statSync(SINGLE).size / 1e6;
	process.stdout.write(`# build/xdptop ${megabytes.toFixed(1)} MB\n`);
	assert.ok(statSync(SINGLE).mode & 0o100, 'executable');
	assert.ok(megabytes < 120, `${megabytes.toFixed(1)} MB`);
});

test('without node: --version', async () => {
	const result = await singleRunner()(['--version']);
	assert.equal(result.status, 0, result.stderr);
	assert.match(result.stdout, /^0\.\d+\.\d+\n$/);
	assert.equal(result.stderr, '');
});

test('nowhere to load its native module from: one line that says what to do, exit 1', async () => {
	// list reads the host's interfaces (nothing changes); /run/netns is hidden by the noexec /run.
	const result = await singleRunner(NOWHERE_EXECUTABLE)(['list', '--json']);
	assert.equal(result.status, 1);
	assert.match(result.stderr, /^xdptop: cannot load the built-in koffi module \(\/tmp: .*\): mount one of them without noexec\n$/);
	assert.equal(result.left, NOTHING_LEFT);
});

test('without node, with a noexec /tmp: list --json in a namespace of the test\'s own, and nothing left behind', async () => {
	const listed = await checkList(singleRunner());
	assert.equal(listed.left, NOTHING_LEFT);
});

test('without node: --once --attach skb loads the built-in object, counts what the peer sent, then detaches', async () => {
	const result = await checkOnceAttach(singleRunner());
	assert.equal(result.left, NOTHING_LEFT);
});

for (const layout of [1, 2, 3]) {
	test(`without node: an older xdptop's --keep (layout ${layout + 1}) is named by list and removed by --cleanup, proven with the objects it carries inside`, async () => {
		const lab = new VethLab();
		const agent = new Agent(lab.local);
		try {
			await agent.ok({op: 'keepPrevious', ifname: lab.localIf, mode: 'skb', layout});
			await agent.ok({op: 'close', keep: false});
			const run = singleRunner();
			const listed = await run(['list', '-i', lab.localIf], lab.local);
			assert.equal(listed.status, 0, listed.stderr);
			assert.match(listed.stdout, / xdptop_stats .* an older xdptop's --keep, bpf_link \d+\n/);
			const cleaned = await run(['--cleanup'], lab.local);
			assert.equal(cleaned.status, 0, cleaned.stderr);
			assert.equal(cleaned.stdout, `detached xdptop_stats kept on ${lab.localIf} and removed its pins\n`);
			assert.equal(lab.ipLinkXdp(), undefined);
		} finally {
			await agent.kill('SIGKILL').catch(() => undefined);
			// Whatever failed above, the pin goes with the lab (the tree's own xdptop removes it).
			await collect(['/usr/bin/nsenter', `--net=/run/netns/${lab.local}`, process.execPath, `${ROOT}dist/xdptop.mjs`, '--cleanup'], {});
			lab.remove();
		}
	});
}

test('the single file\'s --demo starts its monitor child (no script argument), and q removes the lab', async () => {
	const terminal = new TmuxTerminal([SINGLE, '--demo', '--interval', '0.5'], {columns: 120, rows: 40}, {LANG: 'C.UTF-8'});
	let namespaces: string[] = [];
	try {
		await terminal.waitFor(/^xdptop \(demo\)/m, 15_000);
		const parent = terminal.programPid();
		namespaces = [`xdptop-demo-${parent}-a`, `xdptop-demo-${parent}-b`];
		await terminal.waitFor(/demo0 +up +veth +— +[0-9.]+k /, 15_000);
		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/, 15_000), /EXIT=0/);
		assert.deepEqual(namespaces.filter(name => listNamespaces().includes(name)), [], 'the lab is gone');
	} finally {
		terminal.close();
		deleteNamespaces(namespaces);
	}
});
