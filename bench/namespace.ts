/**
 * Runs part of the benchmark inside a network namespace of the bench's own (nsenter, so the
 * host's bpffs stays visible), and takes back the figures it measured.
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {launcherV8Flags} from '../test/helpers/launcher-flags.js';
import {type Figure, record} from './report.js';

const MARKER = 'FIGURES ';

/** In the child: hand the figures to the parent. */
export function sendFigures(figures: readonly Figure[]): void {
	process.stdout.write(`${MARKER}${JSON.stringify(figures)}\n`);
}

/** In the parent: run `script args...` inside `namespace`, with the V8 flags xdptop runs with, and record what it sends back. */
export async function runInNamespace(namespace: string, script: string, args: readonly string[] = []): Promise<void> {
	const path = fileURLToPath(new URL(script, import.meta.url));
	await runChild('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, ...launcherV8Flags(), '--import', 'tsx', path, ...args]);
}

/** Runs a program that reports with sendFigures(), and records its figures here. */
export async function runChild(command: string, args: readonly string[]): Promise<void> {
	const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'inherit']});
	let buffer = '';
	child.stdout.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		let newline;
		while ((newline = buffer.indexOf('\n')) !== -1) {
			const line = buffer.slice(0, newline);
			buffer = buffer.slice(newline + 1);
			if (line.startsWith(MARKER)) {
				for (const figure of JSON.parse(line.slice(MARKER.length)) as Figure[]) {
					record(figure);
				}
			} else {
				process.stdout.write(`${line}\n`);
			}
		}
	});
	const [code] = (await once(child, 'exit')) as [number | null];
	if (code !== 0) {
		throw new Error(`${[command, ...args].join(' ')} failed (exit ${code})`);
	}
}
