/**
 * Interface names are untrusted: Linux allows ESC, BEL and backspace in them. On a veth pair of
 * our own: `list` shows them escaped and aligned, never raw; JSON keeps them exact.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import stringWidth from 'string-width';
import {VethLab} from './helpers/netns.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
// Wide ones too: a CJK character and an emoji take two cells each, so length does not line up a column.
const NAMES = ['x\u001B[31m', 'bell\u0007', 'bs\u0008\u0008', 'ünï', 'abcdefghijklmno', 'csi\u009B2J', '日本語名前', 'a🚀b'];

let lab: VethLab;
before(() => {
	lab = new VethLab();
	NAMES.forEach((name, index) => lab.ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `peer${index}`));
});
after(() => lab.remove());

function list(args: readonly string[]) {
	return spawnSync('nsenter', [`--net=/run/netns/${lab.local}`, process.execPath, CLI, 'list', ...args], {encoding: 'utf8'});
}

test('list: names escaped visibly, columns aligned, no control byte on the terminal', () => {
	const {status, stdout} = list([]);
	assert.equal(status, 0);
	assert.doesNotMatch(stdout, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/, 'no control byte but newlines');
	for (const shown of ['x\\x1b[31m', 'bell\\x07', 'bs\\x08\\x08', 'ünï', 'abcdefghijklmno', 'csi\\u{9b}2J', '日本語名前', 'a🚀b']) {
		assert.ok(stdout.includes(shown), shown);
	}
	const rows = stdout.split('\n').filter(line => /^\S/.test(line));
	// In cells, as the terminal shows it.
	const stateColumn = (line: string) => stringWidth(line.slice(0, line.search(/ (down|up|unknown) /)));
	const columns = new Set(rows.slice(1).map(stateColumn));
	assert.equal(columns.size, 1, `the state column lines up:\n${rows.join('\n')}`);
});

test('list --json: valid JSON with the exact names', () => {
	const {status, stdout} = list(['--json']);
	assert.equal(status, 0);
	const names = (JSON.parse(stdout) as Array<{name: string}>).map(entry => entry.name);
	for (const name of NAMES) {
		assert.ok(names.includes(name), JSON.stringify(name));
	}
});

test('-i takes such a name exactly, and an unknown one is escaped in the error', () => {
	const exact = list(['--json', '-i', 'x\u001B[31m']);
	assert.equal(exact.status, 0);
	assert.deepEqual((JSON.parse(exact.stdout) as Array<{name: string}>).map(entry => entry.name), ['x\u001B[31m']);
	const unknown = list(['-i', 'no\u001B[2J']);
	assert.equal(unknown.status, 2);
	assert.equal(unknown.stderr, "xdptop: no interface named 'no\\x1b[2J'; xdptop list shows them\n");
});
