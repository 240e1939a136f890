/**
 * koffi for the single executable. Its native module travels inside as an asset, but dlopen needs
 * a file: it is written into a fresh directory of its own (mkdtemp: unpredictable name, mode 0700)
 * in a root-owned system directory, loaded, and removed at once; the mapping outlives the file.
 * No directory from the environment (TMPDIR): a directory of someone else's would let them swap
 * the file before root loads it. A directory mounted noexec refuses the load: the next one is tried.
 */
import {lstatSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {constants} from 'node:os';
import {join} from 'node:path';
import {getAsset} from 'node:sea';
import type koffiModule from 'koffi';

const DIRECTORIES = ['/tmp', '/dev/shm', '/run', '/var/tmp'];
const STICKY = 0o1000;

/** Root's, and either closed to others or sticky (nobody can rename what we make there). */
function safeParent(directory: string): boolean {
	try {
		const stats = lstatSync(directory);
		return stats.isDirectory() && stats.uid === 0 && ((stats.mode & 0o002) === 0 || (stats.mode & STICKY) !== 0);
	} catch {
		return false;
	}
}

function loadNative(): typeof koffiModule {
	const binary = new Uint8Array(getAsset('koffi.node'));
	const reasons: string[] = [];
	for (const parent of DIRECTORIES.filter(safeParent)) {
		let directory: string | undefined;
		try {
			directory = mkdtempSync(join(parent, 'xdptop-'));
			const path = join(directory, 'koffi.node');
			writeFileSync(path, binary, {mode: 0o500, flag: 'wx'});
			const module = {exports: {}};
			process.dlopen(module, path, constants.dlopen.RTLD_NOW);
			return module.exports as typeof koffiModule;
		} catch (error) {
			// dlopen names the file first ("…/koffi.node: failed to map segment…"): the reason is the rest.
			reasons.push(`${parent}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^.*koffi\.node: /, '')}`);
		} finally {
			if (directory) {
				rmSync(directory, {recursive: true, force: true});
			}
		}
	}
	throw new Error(`cannot load the built-in koffi module (${reasons.join('; ') || `none of ${DIRECTORIES.join(', ')} is a root-owned directory`}): mount one of them without noexec`);
}

export default loadNative();
