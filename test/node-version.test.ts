/**
 * An old Node gets one line, from the shipped entry and from make, with a real Node 18
 * (build/node18, fetched by `make test` from the npm package node-linux-<arch>@18).
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'xdptop.mjs');
const NODE18 = join(ROOT, 'build', 'node18', 'bin', 'node');
const version18 = spawnSync(NODE18, ['--version'], {encoding: 'utf8'}).stdout.trim().replace(/^v/, '');

/** A PATH directory with every program of /usr/bin and /usr/sbin but node and its tools. */
const noNode = mkdtempSync(join(tmpdir(), 'xdptop-nonode-'));
for (const directory of ['/usr/bin', '/usr/sbin']) {
	for (const name of readdirSync(directory)) {
		if (!['node', 'npm', 'npx', 'corepack'].includes(name)) {
			try {
				symlinkSync(join(directory, name), join(noNode, name));
			} catch {
				// Already linked from the other directory.
			}
		}
	}
}
after(() => rmSync(noNode, {recursive: true, force: true}));

test('a real Node 18 is at hand', () => {
	assert.match(version18, /^18\./);
});

test('on Node 18 the shipped entry says what it needs in one line and exits 1', () => {
	for (const args of [['--version'], ['list', '--json'], ['--help']]) {
		const result = spawnSync(NODE18, [CLI, ...args], {encoding: 'utf8'});
		assert.equal(result.status, 1);
		assert.equal(result.stdout, '');
		assert.equal(result.stderr, `xdptop needs Node.js 20 or newer; this is ${version18}\n`);
	}
	// Through its shebang, whose V8 flags Node 18 must accept too.
	const viaShebang = spawnSync(CLI, ['--version'], {encoding: 'utf8', env: {...process.env, PATH: `${dirname(NODE18)}:${noNode}`}});
	assert.equal(viaShebang.stderr, `xdptop needs Node.js 20 or newer; this is ${version18}\n`);
	assert.equal(viaShebang.status, 1);
});

test('make says the same where node is missing or too old, instead of exit 127', () => {
	const make = (path: string) => spawnSync('/usr/bin/make', ['-s', 'run'], {cwd: ROOT, encoding: 'utf8', env: {...process.env, PATH: path}});
	const missing = make(noNode);
	assert.notEqual(missing.status, 0);
	assert.match(missing.stderr, /^xdptop needs Node\.js 20 or newer, and there is no node on PATH: install Node\.js 20 or newer$/m);
	assert.doesNotMatch(missing.stderr, /No such file|not found/);
	const old = make(`${dirname(NODE18)}:${noNode}`);
	assert.notEqual(old.status, 0);
	assert.match(old.stderr, new RegExp(`^xdptop needs Node\\.js 20 or newer; this is ${version18.replaceAll('.', '\\.')}$`, 'm'));
});

test('on this Node the same entry runs', () => {
	const result = spawnSync(process.execPath, [CLI, '--version'], {encoding: 'utf8'});
	assert.equal(result.status, 0, result.stderr);
	assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
});
