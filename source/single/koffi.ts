/**
 * koffi for the single executable. Its native module travels inside as an asset, but dlopen needs
 * a file: it is written to an unnamed file (O_TMPFILE) in a root-owned system directory and loaded
 * through /proc/self/fd, so no path ever names it: nobody can swap it before it is loaded, and
 * nothing is left behind, however the process ends. No directory from the environment (TMPDIR).
 * A directory mounted noexec refuses the load: the next one is tried.
 */
import {closeSync, constants as fsConstants, lstatSync, openSync, writeSync} from 'node:fs';
import {constants} from 'node:os';
import {getAsset} from 'node:sea';
import type koffiModule from 'koffi';

const DIRECTORIES = ['/tmp', '/dev/shm', '/run', '/var/tmp'];
/** O_TMPFILE as Linux defines it (with O_DIRECTORY): Node's fs.constants leave it out. */
const O_TMPFILE = 0o20_200_000;

function rootsDirectory(directory: string): boolean {
	try {
		const stats = lstatSync(directory);
		return stats.isDirectory() && stats.uid === 0;
	} catch {
		return false;
	}
}

function loadNative(): typeof koffiModule {
	const binary = new Uint8Array(getAsset('koffi.node'));
	const reasons: string[] = [];
	for (const directory of DIRECTORIES.filter(rootsDirectory)) {
		let fd: number | undefined;
		try {
			fd = openSync(directory, O_TMPFILE | fsConstants.O_RDWR, 0o500);
			for (let written = 0; written < binary.length; ) {
				written += writeSync(fd, binary, written);
			}
			const module = {exports: {}};
			process.dlopen(module, `/proc/self/fd/${fd}`, constants.dlopen.RTLD_NOW);
			return module.exports as typeof koffiModule;
		} catch (error) {
			// dlopen names the file first ("/proc/self/fd/N: failed to map segment…"): the reason is the rest.
			reasons.push(`${directory}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^\/proc\/self\/fd\/\d+: /, '')}`);
		} finally {
			if (fd !== undefined) {
				closeSync(fd); // The mapping outlives the fd; the unnamed file goes with the last of both.
			}
		}
	}
	throw new Error(`cannot load the built-in koffi module (${reasons.join('; ') || `none of ${DIRECTORIES.join(', ')} is a root-owned directory`}): mount one of them without noexec`);
}

export default loadNative();
