/** External programs are found in fixed system directories, never through PATH. */
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, test} from 'node:test';
import {findProgram, MissingProgramError, programPath, SYSTEM_DIRECTORIES} from '../source/system-programs.js';

const scratch = mkdtempSync(join(tmpdir(), 'xdptop-programs-'));
after(() => rmSync(scratch, {recursive: true, force: true}));

test('programPath gives an absolute path in a system directory, whatever PATH says', () => {
	const saved = process.env['PATH'];
	process.env['PATH'] = scratch;
	try {
		const ip = programPath('ip');
		assert.ok(SYSTEM_DIRECTORIES.includes(dirname(ip)), ip);
	} finally {
		process.env['PATH'] = saved;
	}
});

test('the first directory with an executable file wins: a plain file or a directory does not count', () => {
	const [directoryOnly, plainOnly, real, later] = ['d', 'p', 'r', 'l'].map(name => mkdtempSync(join(scratch, `${name}-`)));
	mkdirSync(join(directoryOnly!, 'ip'));
	writeFileSync(join(plainOnly!, 'ip'), '#!/bin/sh\n', {mode: 0o644});
	for (const directory of [real!, later!]) {
		writeFileSync(join(directory, 'ip'), '#!/bin/sh\n');
		chmodSync(join(directory, 'ip'), 0o755);
	}
	assert.equal(findProgram('ip', [directoryOnly!, plainOnly!, real!, later!]), join(real!, 'ip'));
});

test('missing: one line that names the directories and the package, code ENOENT', () => {
	assert.throws(
		() => findProgram('nsenter', [scratch]),
		(error: unknown) => {
			assert.ok(error instanceof MissingProgramError);
			assert.equal(error.code, 'ENOENT');
			assert.equal(error.message, `nsenter not found in ${scratch}: install it (apt-get install util-linux)`);
			return true;
		},
	);
});
