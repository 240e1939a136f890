/**
 * The Debian packages make installs: a set per goal (running needs no test tools), and a repeated
 * make asks dpkg nothing. Run against this tree with the stamps in a directory of the test's own
 * (APT_STAMPS), and stand-ins for dpkg-query and apt-get first on PATH that log what they are
 * asked: nothing on this machine is installed or removed.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {ROOT} from './helpers/installed.js';
import {make} from './helpers/make.js';

const scratch = mkdtempSync(join(tmpdir(), 'xdptop-apt-'));
const log = join(scratch, 'log');
const TEST_TOOLS = ['bpftool', 'netsniff-ng', 'tmux'];

// dpkg-query says "installed" but for the packages in $MISSING; apt-get fails with $APT_STATUS.
writeFileSync(
	join(scratch, 'dpkg-query'),
	`#!/bin/sh\necho "dpkg-query $*" >> '${log}'\nfor package; do :; done\ncase " $MISSING " in *" $package "*) exit 1;; esac\nprintf 'install ok installed'\n`,
	{mode: 0o755},
);
writeFileSync(join(scratch, 'apt-get'), `#!/bin/sh\necho "apt-get $*" >> '${log}'\nexit "\${APT_STATUS:-0}"\n`, {mode: 0o755});
after(() => rmSync(scratch, {recursive: true, force: true}));

/** The lines the stand-ins logged since the last call. */
function logged(): string[] {
	let lines: string[] = [];
	try {
		lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
	} catch {
		// Nothing was asked.
	}
	rmSync(log, {force: true});
	return lines;
}

/** The packages dpkg-query was asked about, in order. */
const asked = (lines: readonly string[]) => lines.filter(line => line.startsWith('dpkg-query ')).map(line => line.split(' ').at(-1)!);

/** dpkg's status file as make sees it (DPKG_STATUS): the test's own, so it can change. */
const dpkgStatus = join(scratch, 'status');
writeFileSync(dpkgStatus, '');

function makeApt(stamps: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
	return make(ROOT, ['-s', ...args, `APT_STAMPS=${stamps}`, `DPKG_STATUS=${dpkgStatus}`], {PATH: `${scratch}:${process.env['PATH']}`, ...env});
}

test('make run checks the packages that build and run xdptop; make test and make bench add their own', () => {
	/** The package sets `make -n goal` would check (the stamps' directory is empty). */
	const sets = (goal: string) => {
		const result = makeApt(mkdtempSync(join(scratch, 'stamps-')), ['-n', goal]);
		assert.equal(result.status, 0, result.stderr);
		return [...result.stdout.matchAll(/for p in ([^;]*); do dpkg-query/g)].map(match => match[1]!.split(' '));
	};
	const [run, ...more] = sets('run');
	assert.deepEqual(more, []);
	assert.deepEqual(run, ['clang', 'iproute2', 'libbpf-dev', 'libbpf1', 'util-linux']);
	const [runOfTest, forTest] = sets('test');
	assert.deepEqual(runOfTest, run);
	for (const tool of TEST_TOOLS) {
		assert.ok(forTest!.includes(tool), `make test installs ${tool}`);
	}
	const forBench = sets('bench').flat();
	for (const tool of [...TEST_TOOLS, 'bmon', 'strace', 'gcc']) {
		assert.ok(forBench.includes(tool), `make bench installs ${tool}`);
	}
});

test('a repeated make apt-deps asks dpkg nothing; a changed set is checked again; only what is missing goes to apt-get', () => {
	const stamps = mkdtempSync(join(scratch, 'stamps-'));
	logged();
	assert.equal(makeApt(stamps, ['apt-deps'], {MISSING: 'libbpf1'}).status, 0);
	const first = logged();
	assert.deepEqual(asked(first), ['clang', 'iproute2', 'libbpf-dev', 'libbpf1', 'util-linux']);
	assert.deepEqual(first.filter(line => line.startsWith('apt-get ')), ['apt-get update -qq -o DPkg::Lock::Timeout=300', 'apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends libbpf1']);

	const again = makeApt(stamps, ['apt-deps'], {MISSING: 'libbpf1'});
	assert.equal(again.status, 0, again.stderr);
	assert.deepEqual(logged(), [], 'the second make asked dpkg-query or apt-get');

	assert.equal(makeApt(stamps, ['apt-deps', 'APT_PACKAGES=iproute2 clang']).status, 0);
	assert.deepEqual(asked(logged()), ['clang', 'iproute2'], 'a changed set is checked');
});

test('a set apt-get failed to install is checked again by the next make', () => {
	const stamps = mkdtempSync(join(scratch, 'stamps-'));
	logged();
	const failed = makeApt(stamps, ['apt-deps'], {MISSING: 'clang', APT_STATUS: '100'});
	assert.notEqual(failed.status, 0);
	assert.equal(asked(logged()).length, 5);
	assert.equal(makeApt(stamps, ['apt-deps']).status, 0);
	assert.equal(asked(logged()).length, 5);
});

test('a package removed since the stamp (dpkg\'s status changed) is found missing and installed again', () => {
	const stamps = mkdtempSync(join(scratch, 'stamps-'));
	assert.equal(makeApt(stamps, ['apt-deps']).status, 0);
	logged();
	// dpkg rewrites its status file on every install and removal: a newer one than the stamp.
	const later = new Date(Date.now() + 5000);
	utimesSync(dpkgStatus, later, later);
	assert.equal(makeApt(stamps, ['apt-deps'], {MISSING: 'clang'}).status, 0);
	assert.deepEqual(logged().filter(line => line.startsWith('apt-get install')), ['apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends clang']);
});
