/**
 * The npm package as a user gets it: packed from a clean clone of this tree (prepack builds what
 * ships: nothing is built there before), installed
 * into a temporary prefix, run from another directory with a PATH that holds node and nothing of
 * the checkout or the build tools (no clang), on a veth pair of the test's own with traffic.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {VethLab} from './helpers/netns.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'xdptop-package-'));
const prefix = join(scratch, 'prefix');
const elsewhere = join(scratch, 'elsewhere');
const nodeOnly = join(scratch, 'node-only');
let tarball = '';

function size(path: string): number {
	const stats = statSync(path);
	return stats.isDirectory() ? readdirSync(path).reduce((total, name) => total + size(join(path, name)), 0) : stats.size;
}

/** The installed xdptop, with a PATH of its bin directory and node alone. */
function installed(args: readonly string[], namespace?: string) {
	const command = [...(namespace ? ['/usr/bin/nsenter', `--net=/run/netns/${namespace}`] : []), join(prefix, 'bin', 'xdptop'), ...args];
	return spawn(command[0]!, command.slice(1), {cwd: elsewhere, env: {PATH: `${join(prefix, 'bin')}:${nodeOnly}`, LANG: 'C.UTF-8'}});
}

async function run(args: readonly string[], namespace?: string, during?: () => Promise<void>) {
	const child = installed(args, namespace);
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = once(child, 'exit');
	await during?.();
	const [status] = (await exited) as [number | null];
	return {status, stdout, stderr};
}

before(() => {
	mkdirSync(elsewhere);
	mkdirSync(nodeOnly);
	symlinkSync(process.execPath, join(nodeOnly, 'node'));
	const clone = join(scratch, 'clone');
	execFileSync('git', ['clone', '--quiet', ROOT, clone]);
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], {cwd: clone, encoding: 'utf8'}).trim().split('\n').at(-1)!;
	tarball = join(scratch, packed);
	execFileSync('npm', ['install', '--global', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error'], {cwd: elsewhere, stdio: 'ignore'});
});
after(() => rmSync(scratch, {recursive: true, force: true}));

test('the tarball holds the entry, the bundle, the BPF object and the licence; the install stays small', () => {
	const listed = execFileSync('tar', ['tzf', tarball], {encoding: 'utf8'}).trim().split('\n').sort();
	assert.deepEqual(listed, ['package/LICENSE', 'package/README.md', 'package/build/xdp_stats.bpf.o', 'package/dist/xdptop-main.mjs', 'package/dist/xdptop.mjs', 'package/package.json']);
	const packageDir = join(prefix, 'lib', 'node_modules', 'xdptop');
	assert.deepEqual(readdirSync(join(packageDir, 'node_modules')).filter(name => !name.startsWith('.')).sort(), ['@koromix', 'koffi'], 'koffi (and its native binaries) alone at run time');
	const megabytes = size(prefix) / 1e6;
	process.stdout.write(`# tarball ${(size(tarball) / 1e3).toFixed(0)} kB, installed ${megabytes.toFixed(1)} MB\n`);
	assert.ok(megabytes <= 6, `installed ${megabytes.toFixed(1)} MB`);
});

test('installed: --version and list --json work from another directory without the checkout on PATH', async () => {
	const version = await run(['--version']);
	assert.equal(version.status, 0, version.stderr);
	assert.match(version.stdout, /^0\.\d+\.\d+\n$/);
	const lab = new VethLab();
	try {
		const listed = await run(['list', '--json'], lab.local);
		assert.equal(listed.status, 0, listed.stderr);
		assert.deepEqual((JSON.parse(listed.stdout) as Array<{name: string}>).map(entry => entry.name).sort(), ['lo', lab.localIf].sort());
	} finally {
		lab.remove();
	}
});

test('installed: --once --attach skb counts what the peer sent, then detaches', async () => {
	const lab = new VethLab();
	try {
		// Sent in the middle of a 3 s interval, after the first sample and before the second.
		const result = await run(['--once', '--json', '--attach', 'skb', '-i', lab.localIf, '--interval', '3'], lab.local, async () => {
			await sleep(1500);
			lab.send(50);
		});
		assert.equal(result.status, 0, result.stderr);
		const [entry] = JSON.parse(result.stdout) as Array<{xdp: {actions: Record<string, {packets: number}>} | null}>;
		assert.equal(entry!.xdp?.actions['PASS']?.packets, 50);
		assert.equal(lab.ipLinkXdp(), undefined);
	} finally {
		lab.remove();
	}
});
