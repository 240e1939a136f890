import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * xdptop's own install directory. Programs are loaded only from there, never from the current
 * directory or a path in the environment: a BPF object is code that runs in the kernel.
 */
export function installRoot(): string {
	let directory = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const manifest = join(directory, 'package.json');
		if (existsSync(manifest) && isOurs(manifest)) {
			return directory;
		}
		const parent = dirname(directory);
		if (parent === directory) {
			throw new Error('cannot find the xdptop install directory (package.json)');
		}
		directory = parent;
	}
}

function isOurs(manifest: string): boolean {
	try {
		return (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name === 'xdptop';
	} catch {
		return false;
	}
}

/** The BPF objects xdptop ships, as paths under build/ (package.json "files" lists the same). */
export const BPF_OBJECT_FILES = ['xdp_stats.bpf.o', 'xdp_exceptions.bpf.o', 'legacy/xdp_stats_v1.bpf.o', 'legacy/xdp_stats_v2.bpf.o', 'legacy/xdp_stats_v3.bpf.o', 'legacy/xdp_stats_v4.bpf.o'] as const;
export type BpfObjectFile = (typeof BPF_OBJECT_FILES)[number];

export function bpfObjectPath(file: BpfObjectFile): string {
	return join(installRoot(), 'build', file);
}
