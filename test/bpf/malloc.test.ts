/** fixMallocThresholds(): freed blocks go back to the system, as glibc's dynamic thresholds would not let them. */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const probe = fileURLToPath(new URL('../helpers/malloc-probe.ts', import.meta.url));
const retainedKib = (mode: 'fixed' | 'default') => Number(execFileSync(process.execPath, ['--import', 'tsx', probe, mode], {encoding: 'utf8'}).trim());

test('a freed 2 MiB block stays resident with glibc defaults after a larger one, and not with the thresholds fixed', () => {
	const retained = retainedKib('default');
	const fixed = retainedKib('fixed');
	assert.ok(retained >= 1024, `glibc's defaults keep the freed block: ${retained} KiB`);
	assert.ok(fixed < 512, `with fixed thresholds it is returned: ${fixed} KiB`);
});
