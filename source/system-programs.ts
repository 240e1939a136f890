/**
 * The external programs xdptop runs, as root: found once, by absolute path, in a fixed list of
 * system directories. Never through PATH: whoever starts xdptop sets that (sudo may keep it, a
 * wrapper script may prepend to it), and a directory of theirs would get its `ip` run as root.
 */
import {accessSync, constants, statSync} from 'node:fs';
import {join} from 'node:path';

/** Root-owned on every distribution; /usr/local last, so a distribution's own copy wins. */
export const SYSTEM_DIRECTORIES: readonly string[] = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** The Debian/Ubuntu package that brings each program, for the message when one is missing. */
const PACKAGES = {
	ip: 'iproute2',
	mount: 'mount',
	nsenter: 'util-linux',
	sysctl: 'procps',
} as const;

export type SystemProgram = keyof typeof PACKAGES;

/** code ENOENT, as spawn would say: callers that explain a missing program keep working. */
export class MissingProgramError extends Error {
	readonly code = 'ENOENT';

	constructor(readonly program: SystemProgram, directories: readonly string[]) {
		super(`${program} not found in ${directories.join(', ')}: install it (apt-get install ${PACKAGES[program]})`);
		this.name = 'MissingProgramError';
	}
}

function executableFile(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

/** The first executable `program` in `directories`; throws MissingProgramError when there is none. */
export function findProgram(program: SystemProgram, directories: readonly string[] = SYSTEM_DIRECTORIES): string {
	const path = directories.map(directory => join(directory, program)).find(executableFile);
	if (!path) {
		throw new MissingProgramError(program, directories);
	}
	return path;
}

const found = new Map<SystemProgram, string>();

/** The absolute path to run `program` by, looked up once per process. */
export function programPath(program: SystemProgram): string {
	let path = found.get(program);
	if (path === undefined) {
		path = findProgram(program);
		found.set(program, path);
	}
	return path;
}
