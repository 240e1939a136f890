/**
 * `make install` as an admin or a packager runs it: from a fresh copy of this tree (install builds
 * what ships, nothing of the tests), into a prefix with a space and a quote in its name (the
 * Makefile and the launcher quote it) that holds something else already, run from another
 * directory with a PATH that has no node at all (the launcher names its own), on a veth pair of
 * the test's own with traffic; then `make uninstall`, which leaves the prefix as it was.
 */
import assert from 'node:assert/strict';
import {chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {copyTree, installedRunner, size, testInstallation} from './helpers/installed.js';
import {make} from './helpers/make.js';
import {VethLab} from './helpers/netns.js';
import {until} from './helpers/wait.js';
import {launcherV8Flags} from './helpers/launcher-flags.js';

const scratch = mkdtempSync(join(tmpdir(), 'xdptop-install-'));
const tree = join(scratch, 'tree');
const prefix = join(scratch, "pre fix's");
const elsewhere = join(scratch, 'elsewhere');
const installation = {bin: join(prefix, 'bin', 'xdptop'), cwd: elsewhere, path: `${join(prefix, 'bin')}:/usr/sbin`};
/** The V8 flags of the entry's shebang, which the launcher must pass too. */
const v8Flags = launcherV8Flags();

/** Every path below `directory`, with its type and mode: what uninstall must give back. */
function listing(directory: string): string[] {
	return readdirSync(directory, {recursive: true, encoding: 'utf8'})
		.map(name => {
			const stats = lstatSync(join(directory, name));
			return `${name} ${stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'file'} ${(stats.mode & 0o7777).toString(8)}`;
		})
		.sort();
}

/** The prefix before make install. */
let original: string[] = [];

before(() => {
	mkdirSync(elsewhere);
	// A prefix in use: bin/ and lib/ with others' files in them, as /usr/local has.
	mkdirSync(join(prefix, 'lib', 'neighbour'), {recursive: true});
	mkdirSync(join(prefix, 'bin'));
	writeFileSync(join(prefix, 'bin', 'neighbour'), '#!/bin/sh\n', {mode: 0o755});
	writeFileSync(join(prefix, 'lib', 'neighbour', 'data'), 'kept\n');
	original = listing(prefix);
	copyTree(tree);
	const installed = make(tree, ['install', `PREFIX=${prefix}`]);
	assert.equal(installed.status, 0, installed.stderr);
});
after(() => rmSync(scratch, {recursive: true, force: true}));

test('make install builds what ships and nothing of the tests', () => {
	const built = readdirSync(join(tree, 'build'));
	assert.deepEqual(built.filter(name => !name.startsWith('.')).sort(), ['legacy', 'xdp_exceptions.bpf.o', 'xdp_stats.bpf.o'], 'no test bundle, fixtures, Node 18 or bench');
	for (const stamp of built.filter(name => name.startsWith('.apt-'))) {
		assert.doesNotMatch(stamp, /bpftool|netsniff-ng|tmux/, 'no test tools installed');
	}
	assert.deepEqual(readdirSync(join(tree, 'dist')).sort(), ['xdptop-main.mjs', 'xdptop.mjs']);
});

test('make install puts the npm package layout in PREFIX/lib/xdptop, writable by the installer alone, and stays small', () => {
	const library = join(prefix, 'lib', 'xdptop');
	const files = readdirSync(library, {recursive: true, encoding: 'utf8'}).filter(name => !name.startsWith('node_modules') && lstatSync(join(library, name)).isFile());
	assert.deepEqual(files.sort(), ['.installed-by-make-install', 'LICENSE', 'README.md', 'build/legacy/xdp_stats_v1.bpf.o', 'build/legacy/xdp_stats_v2.bpf.o', 'build/legacy/xdp_stats_v3.bpf.o', 'build/legacy/xdp_stats_v4.bpf.o', 'build/xdp_exceptions.bpf.o', 'build/xdp_stats.bpf.o', 'dist/xdptop-main.mjs', 'dist/xdptop.mjs', 'package.json']);
	assert.deepEqual(readdirSync(join(library, 'node_modules')).sort(), ['@koromix', 'koffi'], 'koffi (and its native binaries) alone at run time');
	// Root loads the BPF object and runs the code: nobody else may change them.
	for (const name of ['.', ...readdirSync(library, {recursive: true, encoding: 'utf8'})]) {
		const stats = lstatSync(join(library, name));
		assert.equal(stats.uid, process.getuid!(), name);
		assert.equal(stats.mode & 0o022, 0, `${name} is writable by group or others`);
	}
	assert.deepEqual(readdirSync(join(prefix, 'bin')).sort(), ['neighbour', 'xdptop']);
	const megabytes = size(library) / 1e6;
	process.stdout.write(`# installed ${megabytes.toFixed(1)} MB\n`);
	assert.ok(megabytes <= 6, `installed ${megabytes.toFixed(1)} MB`);
});

test('the launcher runs the node make install ran with, by absolute path, with the V8 flags of the entry', async () => {
	for (const directory of installation.path.split(':')) {
		assert.ok(!existsSync(join(directory, 'node')), `node in ${directory}: the test would prove nothing`);
	}
	const lab = new VethLab();
	try {
		let commandLine: string[] = [];
		const result = await installedRunner(installation)(['--once', '--json', '-i', lab.localIf, '--interval', '1'], lab.local, async child => {
			// nsenter, then the launcher, exec in place: the pid becomes node's.
			const read = () => (commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').slice(0, -1));
			await until(() => read()[0] === process.execPath, () => `node in ${commandLine.join(' ')}`);
		});
		assert.equal(result.status, 0, result.stderr);
		assert.deepEqual(commandLine, [process.execPath, ...v8Flags, join(prefix, 'lib', 'xdptop', 'dist', 'xdptop.mjs'), '--once', '--json', '-i', lab.localIf, '--interval', '1']);
	} finally {
		lab.remove();
	}
});

testInstallation('installed with make install', installation);

test('DESTDIR stages the install: files land under it, the launcher names PREFIX alone; uninstall keeps what is not its own', () => {
	const stage = join(scratch, 'stage');
	const staged = join(stage, 'opt', 'xdptop-staged');
	const installed = make(tree, ['install', `DESTDIR=${stage}`, 'PREFIX=/opt/xdptop-staged']);
	assert.equal(installed.status, 0, installed.stderr);
	assert.ok(existsSync(join(staged, 'lib', 'xdptop', 'build', 'xdp_stats.bpf.o')));
	const launcher = readFileSync(join(staged, 'bin', 'xdptop'), 'utf8');
	assert.match(launcher, /^exec "\$node" .* '\/opt\/xdptop-staged\/lib\/xdptop\/dist\/xdptop\.mjs' "\$@"$/m);
	assert.ok(!launcher.includes(stage), launcher);
	assert.ok(!existsSync('/opt/xdptop-staged'));
	// npm's link of the same name, put there after: not make install's to remove.
	rmSync(join(staged, 'bin', 'xdptop'));
	symlinkSync('../lib/node_modules/xdptop/dist/xdptop.mjs', join(staged, 'bin', 'xdptop'));
	const uninstalled = make(tree, ['uninstall', `DESTDIR=${stage}`, 'PREFIX=/opt/xdptop-staged']);
	assert.equal(uninstalled.status, 0, uninstalled.stderr);
	assert.match(uninstalled.stdout, /KEPT .*bin\/xdptop: not make install's launcher/);
	assert.deepEqual(
		listing(stage).map(line => line.split(' ').slice(0, 2).join(' ')),
		['opt dir', 'opt/xdptop-staged dir', 'opt/xdptop-staged/bin dir', 'opt/xdptop-staged/bin/xdptop link', 'opt/xdptop-staged/lib dir'],
	);
});

test('make install and uninstall refuse a PREFIX that is empty or relative, before anything runs', () => {
	for (const [goal, given] of [['uninstall', ''], ['uninstall', ' '], ['install', 'usr/local']] as const) {
		const result = make(tree, [goal, `PREFIX=${given}`]);
		assert.notEqual(result.status, 0, `${goal} PREFIX='${given}'`);
		assert.match(result.stderr, /PREFIX must be an absolute path/);
		assert.equal(result.stdout, '');
	}
	assert.ok(!existsSync(join(tree, 'usr')));
});

test('an xdptop that is not make install\'s (npm\'s link, a directory of someone\'s) is never written through, replaced or removed', () => {
	const other = join(scratch, 'other');
	const npmTarget = join(other, 'lib', 'node_modules', 'xdptop', 'dist', 'xdptop.mjs');
	mkdirSync(join(other, 'bin'), {recursive: true});
	mkdirSync(join(npmTarget, '..'), {recursive: true});
	writeFileSync(npmTarget, '#!/usr/bin/env node\n');
	symlinkSync('../lib/node_modules/xdptop/dist/xdptop.mjs', join(other, 'bin', 'xdptop'));
	let result = make(tree, ['install', `PREFIX=${other}`]);
	assert.notEqual(result.status, 0);
	assert.match(result.stderr, /bin\/xdptop is not make install's launcher .*: remove it first/);
	assert.equal(readFileSync(npmTarget, 'utf8'), '#!/usr/bin/env node\n', 'npm\'s entry untouched');
	rmSync(join(other, 'bin', 'xdptop'));
	mkdirSync(join(other, 'lib', 'xdptop'));
	writeFileSync(join(other, 'lib', 'xdptop', 'config'), 'precious\n');
	result = make(tree, ['install', `PREFIX=${other}`]);
	assert.notEqual(result.status, 0);
	assert.match(result.stderr, /lib\/xdptop was not made by make install: remove it first/);
	result = make(tree, ['uninstall', `PREFIX=${other}`]);
	assert.equal(result.status, 0, result.stderr);
	assert.match(result.stdout, /KEPT .*lib\/xdptop: not made by make install/);
	assert.equal(readFileSync(join(other, 'lib', 'xdptop', 'config'), 'utf8'), 'precious\n');
	assert.ok(!existsSync(join(other, 'bin', 'xdptop')));
});

test('as root, a node in a directory others can write is refused: the launcher would run it as root', () => {
	const shared = join(scratch, 'shared-node');
	mkdirSync(shared);
	chmodSync(shared, 0o777);
	copyFileSync(process.execPath, join(shared, 'node'));
	chmodSync(join(shared, 'node'), 0o755);
	const refused = join(scratch, 'refused');
	const result = make(tree, ['install', `PREFIX=${refused}`], {PATH: `${shared}:${process.env['PATH'] ?? ''}`});
	assert.notEqual(result.status, 0);
	assert.match(result.stderr, new RegExp(`root would run ${shared}/node as root, but ${shared} can be changed by others than root \\(owner uid 0, mode 777\\)`));
	assert.ok(!existsSync(refused));
});

test('make -n install changes nothing, on a tree never built', () => {
	const fresh = join(scratch, 'fresh');
	copyTree(fresh);
	const result = make(fresh, ['-n', 'install', `PREFIX=${join(scratch, 'dry')}`]);
	assert.equal(result.status, 0, result.stderr);
	assert.ok(!existsSync(join(fresh, 'build')) && !existsSync(join(scratch, 'dry')));
});

test('make uninstall leaves the prefix as it was before make install', () => {
	const uninstalled = make(tree, ['uninstall', `PREFIX=${prefix}`]);
	assert.equal(uninstalled.status, 0, uninstalled.stderr);
	assert.deepEqual(listing(prefix), original);
});
