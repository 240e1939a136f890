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

for (const [flag, what] of [['--liftoff-only', 'Yoga is compiled by Liftoff only'], ['--no-sparkplug', 'no baseline compiler']] as const) {
	test(`${what} in the npm entry and in the single executable alike`, () => {
		const shebang = readFileSync(new URL('../source/launcher.mjs', import.meta.url), 'utf8').split('\n')[0]!;
		const single = readFileSync(new URL('../source/single/main.cjs', import.meta.url), 'utf8');
		assert.ok(shebang.split(/\s+/).includes(flag), shebang);
		assert.ok(single.includes(`setFlagsFromString('${flag}')`), `main.cjs sets ${flag}`);
	});
}
