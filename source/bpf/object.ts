import {existsSync} from 'node:fs';
import {ACTIONS_MAP, PROG_NAME, PROTOS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkPointer, libbpf, type Pointer} from './libbpf.js';
import {statsObjectPath} from './paths.js';

export interface LoadOptions {
	/** Bind the program and its maps to this device, as hardware offload needs. */
	readonly offloadIfindex?: number;
}

/** A BPF object file opened and loaded into the kernel: one program and the maps it names. */
export class LoadedObject {
	static load(path: string, programName: string, mapNames: readonly string[], options: LoadOptions = {}): LoadedObject {
		if (!existsSync(path)) {
			throw new BpfError(`BPF object ${path} is missing: run 'make build' in the xdptop directory`, 2);
		}
		const api = libbpf();
		const object = checkPointer(`open ${path}`, api.objectOpenFile(path, null));
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
		return new StatsObject(LoadedObject.load(statsObjectPath(), PROG_NAME, [ACTIONS_MAP, PROTOS_MAP], options));
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
