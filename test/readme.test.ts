/** The README's usage block is the real --help output, not a copy that drifts. */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

test('README usage block equals xdptop --help', () => {
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const block = /<!-- usage[^>]*-->\n```\n([\s\S]*?)```\n<!-- \/usage -->/.exec(readme)?.[1];
	assert.ok(block, 'the README has a usage block');
	const help = spawnSync(process.execPath, [fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url)), '--help'], {encoding: 'utf8'});
	assert.equal(help.status, 0);
	assert.equal(block, help.stdout);
});

test('the README leads with the two setup commands', () => {
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
	assert.deepEqual(firstBlock.trim().split('\n').map(line => line.split(/\s+#/)[0]!.trim()), ['make run', 'make test']);
});

test('README key table equals the key bindings', async () => {
	const {keyTableMarkdown} = await import('../source/ui/keys.js');
	const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
	const block = /<!-- keys[^>]*-->\n([\s\S]*?)\n<!-- \/keys -->/.exec(readme)?.[1];
	assert.equal(block, keyTableMarkdown());
});
