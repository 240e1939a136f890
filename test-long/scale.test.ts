/**
 * Long tests (make test-long): 500 interfaces, and a soak of 100,000 ticks with a headless
 * render. They report figures; they assert correctness and flat memory, never a duration.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {deleteNamespaces} from '../source/demo/namespaces.js';
import {launcherV8Flags} from '../test/helpers/launcher-flags.js';

const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const SOAK = fileURLToPath(new URL('soak-main.ts', import.meta.url));

interface Report {
	rows: number;
	ticks: number;
	tickMs: number;
	framesWritten: number;
	/** Sampled at rest (full GC, malloc trimmed) after the warm-up, then after every tenth of the ticks. */
	rssMb: number[];
	heapMb: number[];
	/** RSS less the V8 heap's reserved pages: code, native and malloc memory. */
	offHeapMb: number[];
	handlesStart: number;
	handlesEnd: number;
}

function withInterfaces(pairs: number, body: (namespace: string) => void): void {
	const namespace = `xdptop-long-${process.pid}-${pairs}`;
	describe(`${2 * pairs + 1} interfaces`, () => {
		before(() => {
			execFileSync('ip', ['netns', 'add', namespace]);
			const lines = Array.from({length: pairs}, (_, index) => [`link add sa${index} type veth peer name sb${index}`, `link set sa${index} up`, `link set sb${index} up`]).flat();
			execFileSync('ip', ['-n', namespace, '-batch', '-'], {input: `${lines.join('\n')}\n`});
		});
		after(() => deleteNamespaces([namespace]));
		body(namespace);
	});
}

function withoutCi(): NodeJS.ProcessEnv {
	const environment = {...process.env};
	delete environment['CI'];
	return environment;
}

/** The real engine ticking into the real UI, rendered headless, with React as shipped, and the V8 flags xdptop runs with (they size the heap). */
function soak(namespace: string, ticks: number): Report {
	const node = [process.execPath, '--expose-gc', ...launcherV8Flags(), '--import', 'tsx'];
	const result = spawnSync('nsenter', [`--net=/run/netns/${namespace}`, ...node, SOAK, String(ticks)], {
		encoding: 'utf8',
		// Without CI: Ink in CI mode holds every frame back until exit.
		env: {...withoutCi(), NODE_ENV: 'production'},
		timeout: 20 * 60_000,
	});
	assert.equal(result.status, 0, result.stderr);
	const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Report;
	process.stdout.write(`# ${JSON.stringify(report)}\n`);
	return report;
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A leak grows steadily: the last three samples' median against the first three's, so one sample's noise cannot fail it. */
function assertFlat(what: string, samplesMb: number[], limitMb: number): void {
	const first = median(samplesMb.slice(0, 3));
	const last = median(samplesMb.slice(-3));
	assert.ok(last - first < limitMb, `${what} grew from ${first} to ${last} MB (samples: ${samplesMb.join(', ')})`);
}

withInterfaces(250, namespace => {
	test('list shows every one of them', () => {
		const start = performance.now();
		const result = spawnSync('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, CLI, 'list', '--json'], {encoding: 'utf8'});
		const ms = performance.now() - start;
		assert.equal(result.status, 0, result.stderr);
		assert.equal((JSON.parse(result.stdout) as unknown[]).length, 501);
		process.stdout.write(`# list --json with 501 interfaces: ${ms.toFixed(0)} ms\n`);
	});

	test('the monitor ticks and renders every row, memory reported', () => {
		const report = soak(namespace, 2000);
		assert.equal(report.rows, 501);
		assert.ok(report.framesWritten > 0);
	});
});

withInterfaces(10, namespace => {
	test('a soak of 100,000 ticks: heap and RSS flat, no timer or handle left', () => {
		const report = soak(namespace, 100_000);
		assert.equal(report.rows, 21);
		assert.equal(report.rssMb.length, 11);
		assertFlat('heap', report.heapMb, 10);
		assertFlat('RSS', report.rssMb, 30);
		assertFlat('memory off the V8 heap', report.offHeapMb, 20);
		assert.equal(report.handlesEnd, report.handlesStart);
	});
});
