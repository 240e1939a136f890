/** make as a developer types it, in a tree of the test's choosing. */
import {spawnSync} from 'node:child_process';

export interface MakeRun {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/**
 * `make args` in `cwd`. Nothing of a make that runs the tests leaks in (its flags, its level, its
 * jobserver); `env` adds to or replaces this process's environment.
 */
export function make(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): MakeRun {
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL'].includes(name)));
	return spawnSync('make', ['--no-print-directory', ...args], {cwd, encoding: 'utf8', env: {...inherited, ...env}});
}
