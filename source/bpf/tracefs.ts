/**
 * The ids and record layouts of the kernel's XDP tracepoints, as tracefs describes them. Where
 * tracefs is not mounted (containers, minimal hosts), a child process mounts it in a mount
 * namespace of its own and reads them there: the host's mounts are never changed, and nothing is
 * left mounted whatever happens to xdptop.
 */
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {promisify} from 'node:util';
import {programPath} from '../system-programs.js';

const run = promisify(execFile);

/** Where tracefs is found mounted, newest place first; the child mounts it on the first. */
const TRACEFS_DIRECTORIES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
const CHILD_MS = 5000;

export interface TraceField {
	readonly offset: number;
	readonly size: number;
}

export interface TracepointFormat {
	readonly name: string;
	readonly id: number;
	readonly fields: ReadonlyMap<string, TraceField>;
}

/** One event's `format` file; undefined when it is not one. */
export function parseFormat(text: string): TracepointFormat | undefined {
	const name = /^name:\s*(\S+)/m.exec(text)?.[1];
	const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
	if (name === undefined || id === undefined) {
		return undefined;
	}
	const fields = new Map<string, TraceField>();
	for (const match of text.matchAll(/field:[^;]*?(\w+)(?:\[[^\]]*\])?;\s*offset:(\d+);\s*size:(\d+);/g)) {
		fields.set(match[1]!, {offset: Number(match[2]), size: Number(match[3])});
	}
	return {name, id: Number(id), fields};
}

/** Several `format` files one after another, as cat prints them. */
export function parseFormats(text: string): TracepointFormat[] {
	return text
		.split(/^(?=name:)/m)
		.map(part => parseFormat(part))
		.filter((format): format is TracepointFormat => format !== undefined);
}

function formatPath(directory: string, event: string): string {
	return `${directory}/events/xdp/${event}/format`;
}

/** An event the kernel does not have is left out; undefined where tracefs is mounted nowhere. */
async function readMounted(events: readonly string[]): Promise<TracepointFormat[] | undefined> {
	for (const directory of TRACEFS_DIRECTORIES) {
		if (!existsSync(`${directory}/events`)) {
			continue; // Not mounted there.
		}
		const texts = await Promise.all(events.map(async event => readFile(formatPath(directory, event), 'utf8').catch(() => '')));
		return texts.flatMap(text => parseFormats(text));
	}
	return undefined;
}

async function readInOwnMountNamespace(events: readonly string[]): Promise<TracepointFormat[]> {
	const [directory] = TRACEFS_DIRECTORIES;
	// Programs by absolute path, as arguments: nothing in PATH or the environment picks them.
	// An event the kernel does not have is left out, as above; only a failed mount fails the child.
	const script = 'mount="$1"; cat="$2"; directory="$3"; shift 3; "$mount" -t tracefs nodev "$directory" || exit 1; for file do "$cat" "$file" 2>/dev/null; done; exit 0';
	const paths = events.map(event => formatPath(directory!, event));
	const {stdout} = await run(
		programPath('unshare'),
		['--mount', '--propagation', 'private', programPath('sh'), '-c', script, 'sh', programPath('mount'), programPath('cat'), directory!, ...paths],
		{timeout: CHILD_MS, env: {PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C'}},
	);
	return parseFormats(stdout);
}

/** The XDP events' formats, by event name; throws with a one-line reason when tracefs gives none. */
export async function xdpTracepoints(events: readonly string[]): Promise<Map<string, TracepointFormat>> {
	let formats = await readMounted(events);
	if (!formats) {
		try {
			formats = await readInOwnMountNamespace(events);
		} catch (error) {
			const stderr = (error as {stderr?: unknown}).stderr;
			const detail = typeof stderr === 'string' && stderr.trim() ? stderr.trim().split('\n').at(-1)! : error instanceof Error ? error.message.split('\n')[0]! : String(error);
			throw new Error(`tracefs is not mounted and cannot be mounted privately (${detail})`);
		}
	}
	const byName = new Map(formats.map(format => [format.name, format]));
	const missing = events.filter(event => !byName.has(event));
	if (missing.length > 0) {
		throw new Error(`this kernel has no xdp:${missing.join(', xdp:')} tracepoint`);
	}
	return byName;
}
