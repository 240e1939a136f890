/** The single executable sets at run time the one V8 flag of the launcher's shebang that works there. */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';

test("the single executable's interrupt budget is the launcher's", () => {
	const shebang = readFileSync(new URL('../source/launcher.mjs', import.meta.url), 'utf8').split('\n')[0]!;
	const single = readFileSync(new URL('../source/single/main.cjs', import.meta.url), 'utf8');
	const budget = /--interrupt-budget=\d+/.exec(shebang)?.[0];
	assert.ok(budget, `the launcher passes an interrupt budget: ${shebang}`);
	assert.ok(single.includes(`setFlagsFromString('${budget}')`), `main.cjs sets ${budget}`);
});

test("the launcher's flags keep local time right: TZ and summer time, from the C library's zone data", async () => {
	const {execFileSync} = await import('node:child_process');
	const {launcherV8Flags} = await import('./helpers/launcher-flags.js');
	assert.ok(launcherV8Flags().includes('--no-icu-timezone-data'), 'the flag this test is about is still there');
	// 2026-07-01 10:00:00 UTC is 12:00:00 in Berlin (CEST) and 06:00:00 in New York (EDT); 2026-01-15 10:00 UTC is 11:00 in Berlin.
	const script = 'const f = d => [d.getHours(), d.getMinutes(), d.getSeconds()].join(":"); process.stdout.write([Date.UTC(2026, 6, 1, 10), Date.UTC(2026, 0, 15, 10)].map(t => f(new Date(t))).join(" "))';
	const at = (tz: string) => execFileSync(process.execPath, [...launcherV8Flags(), '-e', script], {encoding: 'utf8', env: {...process.env, TZ: tz}});
	assert.equal(at('Europe/Berlin'), '12:0:0 11:0:0');
	assert.equal(at('America/New_York'), '6:0:0 5:0:0');
	assert.equal(at('UTC'), '10:0:0 10:0:0');
});
