import {existsSync} from 'node:fs';
import {ACTIONS_MAP, PROG_NAME, PROTOS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkPointer, libbpf, type Pointer} from './libbpf.js';
import {statsObjectSource, type ObjectBytes} from './object-source.js';

export interface LoadOptions {
	/** Bind the program and its maps to this device, as hardware offload needs. */
	readonly offloadIfindex?: number;
}

/** A BPF object file opened and loaded into the kernel: one program and the maps it names. */
export class LoadedObject {
	/** From a file, or from memory (the single executable carries its object inside). */
	static load(source: string | ObjectBytes, programName: string, mapNames: readonly string[], options: LoadOptions = {}): LoadedObject {
		const api = libbpf();
		let object: Pointer;
		if (typeof source === 'string') {
			if (!existsSync(source)) {
				throw new BpfError(`BPF object ${source} is missing: run 'make build' in the xdptop directory`, 2);
			}
			object = checkPointer(`open ${source}`, api.objectOpenFile(source, null));
		} else {
			object = checkPointer(`open ${source.name}`, api.objectOpenMem(source.bytes, source.bytes.length, null));
		}
		try {
			const program = checkPointer(`find program ${programName}`, api.findProgram(object, programName));
			const maps = mapNames.map(name => [name, checkPointer(`find map ${name}`, api.findMap(object, name))] as const);
			if (options.offloadIfindex !== undefined) {
				api.programSetIfindex(program, options.offloadIfindex);
				for (const [name, map] of maps) {
					check(`bind map ${name} to the device`, api.mapSetIfindex(map, options.offloadIfindex));
				}
			}
			check(`load ${programName}`, api.objectLoad(object));
			return new LoadedObject(object, api.programFd(program), new Map(maps.map(([name, map]) => [name, api.mapFd(map)])));
		} catch (error) {
			api.objectClose(object);
			throw error;
		}
	}

	readonly progFd: number;
	readonly mapFds: ReadonlyMap<string, number>;
	#object: Pointer | undefined;

	private constructor(object: Pointer, progFd: number, mapFds: ReadonlyMap<string, number>) {
		this.#object = object;
		this.progFd = progFd;
		this.mapFds = mapFds;
	}

	mapFd(name: string): number {
		const fd = this.mapFds.get(name);
		if (fd === undefined) {
			throw new Error(`map ${name} was not asked for`);
		}
		return fd;
	}

	/** Closes the program and map fds; an attachment made through a link keeps its own reference. */
	close(): void {
		if (this.#object !== undefined) {
			libbpf().objectClose(this.#object);
			this.#object = undefined;
		}
	}
}

/**
 * One loaded instance of xdp_stats.bpf.o: its own program and its own maps. xdptop loads one
 * per interface so that every interface is counted on its own.
 */
export class StatsObject {
	static load(options: LoadOptions = {}): StatsObject {
		return new StatsObject(LoadedObject.load(statsObjectSource(), PROG_NAME, [ACTIONS_MAP, PROTOS_MAP], options));
	}

	readonly progFd: number;
	readonly actionsMapFd: number;
	readonly protosMapFd: number;
	readonly #loaded: LoadedObject;

	private constructor(loaded: LoadedObject) {
		this.#loaded = loaded;
		this.progFd = loaded.progFd;
		this.actionsMapFd = loaded.mapFd(ACTIONS_MAP);
		this.protosMapFd = loaded.mapFd(PROTOS_MAP);
	}

	close(): void {
		this.#loaded.close();
	}
}
