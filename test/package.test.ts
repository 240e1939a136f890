/**
 * The npm package as a user gets it: packed from a fresh copy of this tree (prepack builds what
 * ships: nothing is built there before), installed
 * into a temporary prefix, run from another directory with a PATH that holds node and nothing of
 * the checkout or the build tools (no clang), on a veth pair of the test's own with traffic.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {copyTree, size, testInstallation} from './helpers/installed.js';

const scratch = mkdtempSync(join(tmpdir(), 'xdptop-package-'));
const prefix = join(scratch, 'prefix');
const elsewhere = join(scratch, 'elsewhere');
const nodeOnly = join(scratch, 'node-only');
let tarball = '';

before(() => {
	mkdirSync(elsewhere);
	mkdirSync(nodeOnly);
	symlinkSync(process.execPath, join(nodeOnly, 'node'));
	const tree = join(scratch, 'tree');
	copyTree(tree);
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], {cwd: tree, encoding: 'utf8'}).trim().split('\n').at(-1)!;
	tarball = join(scratch, packed);
	execFileSync('npm', ['install', '--global', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error'], {cwd: elsewhere, stdio: 'ignore'});
});
after(() => rmSync(scratch, {recursive: true, force: true}));

test('the tarball holds the entry, the bundle, the BPF object and the licence; the install stays small', () => {
	const listed = execFileSync('tar', ['tzf', tarball], {encoding: 'utf8'}).trim().split('\n').sort();
	assert.deepEqual(listed, ['package/LICENSE', 'package/README.md', 'package/build/legacy/xdp_stats_v1.bpf.o', 'package/build/legacy/xdp_stats_v2.bpf.o', 'package/build/legacy/xdp_stats_v3.bpf.o', 'package/build/legacy/xdp_stats_v4.bpf.o', 'package/build/xdp_exceptions.bpf.o', 'package/build/xdp_stats.bpf.o', 'package/dist/xdptop-main.mjs', 'package/dist/xdptop.mjs', 'package/package.json']);
	const packageDir = join(prefix, 'lib', 'node_modules', 'xdptop');
	assert.deepEqual(readdirSync(join(packageDir, 'node_modules')).filter(name => !name.startsWith('.')).sort(), ['@koromix', 'koffi'], 'koffi (and its native binaries) alone at run time');
	const megabytes = size(prefix) / 1e6;
	process.stdout.write(`# tarball ${(size(tarball) / 1e3).toFixed(0)} kB, installed ${megabytes.toFixed(1)} MB\n`);
	assert.ok(megabytes <= 6, `installed ${megabytes.toFixed(1)} MB`);
});

// The installed bin is npm's link to the entry, run by its shebang with the node on this PATH.
testInstallation('installed with npm', {bin: join(prefix, 'bin', 'xdptop'), cwd: elsewhere, path: `${join(prefix, 'bin')}:${nodeOnly}`});
