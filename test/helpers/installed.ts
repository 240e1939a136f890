/**
 * xdptop as a user installs it, whichever way (npm, make install): the tree it is installed from,
 * and the checks every installation must pass, run as a user runs it: from another directory,
 * with a PATH of the test's choosing, on a veth pair of the test's own with traffic.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';
import {once} from 'node:events';
import {copyFileSync, existsSync, mkdirSync, readdirSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {VethLab} from './netns.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Installation {
	/** The installed command, <prefix>/bin/xdptop. */
	readonly bin: string;
	/** Where it runs: nowhere near the checkout. */
	readonly cwd: string;
	/** Its whole PATH. */
	readonly path: string;
}

export interface Run {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/**
 * This tree as a fresh clone would have it, with the changes not committed yet (what is being
 * tested): the files git tracks or would track, without anything built or installed.
 */
export function copyTree(destination: string): void {
	const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {cwd: ROOT, encoding: 'utf8'});
	// A file deleted but not yet committed is listed still.
	for (const name of new Set(listed.split('\0').filter(name => name && existsSync(join(ROOT, name))))) {
		mkdirSync(dirname(join(destination, name)), {recursive: true});
		copyFileSync(join(ROOT, name), join(destination, name));
	}
}

/** Bytes in a file or a directory tree. */
export function size(path: string): number {
	const stats = statSync(path);
	return stats.isDirectory() ? readdirSync(path).reduce((total, name) => total + size(join(path, name)), 0) : stats.size;
}

/** Runs xdptop one way or another (args, inside `namespace` when given), calling `during` while it runs. */
export type Runner<R extends Run = Run> = (args: readonly string[], namespace?: string, during?: (child: ChildProcess) => Promise<void>) => Promise<R>;

/** Runs `command` with its output collected, and calls `during` while it runs. */
export async function collect(command: readonly string[], options: SpawnOptions, during?: (child: ChildProcess) => Promise<void>): Promise<Run> {
	const child = spawn(command[0]!, command.slice(1), {...options, stdio: 'pipe'});
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = once(child, 'exit');
	await during?.(child);
	const [status] = (await exited) as [number | null];
	return {status, stdout, stderr};
}

/** The installed xdptop, by its launcher's absolute path, from its directory with its PATH alone. */
export function installedRunner(installation: Installation): Runner {
	return (args, namespace, during) => {
		const command = [...(namespace ? ['/usr/bin/nsenter', `--net=/run/netns/${namespace}`] : []), installation.bin, ...args];
		return collect(command, {cwd: installation.cwd, env: {PATH: installation.path, LANG: 'C.UTF-8'}}, during);
	};
}

/** `list --json` in a lab's namespace names lo and the lab's end. The run, for more checks. */
export async function checkList<R extends Run>(run: Runner<R>): Promise<R> {
	const lab = new VethLab();
	try {
		const listed = await run(['list', '--json'], lab.local);
		assert.equal(listed.status, 0, listed.stderr);
		assert.deepEqual((JSON.parse(listed.stdout) as Array<{name: string}>).map(entry => entry.name).sort(), ['lo', lab.localIf].sort());
		return listed;
	} finally {
		lab.remove();
	}
}

/** `--once --attach skb` counts the 50 frames the peer sent, then detaches. The run, for more checks. */
export async function checkOnceAttach<R extends Run>(run: Runner<R>): Promise<R> {
	const lab = new VethLab();
	try {
		// Sent in the middle of a 3 s interval, after the first sample and before the second.
		const result = await run(['--once', '--json', '--attach', 'skb', '-i', lab.localIf, '--interval', '3'], lab.local, async () => {
			await sleep(1500);
			lab.send(50);
		});
		assert.equal(result.status, 0, result.stderr);
		const [entry] = JSON.parse(result.stdout) as Array<{xdp: {actions: Record<string, {packets: number}>} | null}>;
		assert.equal(entry!.xdp?.actions['PASS']?.packets, 50);
		assert.equal(lab.ipLinkXdp(), undefined);
		return result;
	} finally {
		lab.remove();
	}
}

/** What every installation must do: `how` names the way it was installed, in the test names. */
export function testInstallation(how: string, installation: Installation): void {
	const run = installedRunner(installation);
	test(`${how}: --version and list --json work from another directory without the checkout on PATH`, async () => {
		const version = await run(['--version']);
		assert.equal(version.status, 0, version.stderr);
		assert.match(version.stdout, /^0\.\d+\.\d+\n$/);
		await checkList(run);
	});

	test(`${how}: --once --attach skb counts what the peer sent, then detaches`, async () => {
		await checkOnceAttach(run);
	});
}
