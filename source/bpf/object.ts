import {existsSync} from 'node:fs';
import {ACTIONS_MAP, EXCEPTION_PROGRAMS, EXCEPTIONS_MAP, PROG_NAME, PROTOS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkPointer, libbpf, type Pointer} from './libbpf.js';
import {exceptionsObjectSource, statsObjectSource, type ObjectBytes} from './object-source.js';

export interface LoadOptions {
	/** Bind the program and its maps to this device, as hardware offload needs. */
	readonly offloadIfindex?: number;
}

/** A BPF object file opened and loaded into the kernel: the programs and the maps it names. */
export class LoadedObject {
	/**
	 * From a file, or from memory (the single executable carries its object inside). With several
	 * program names, progFd is the first one's; program() gives each for attaching.
	 */
	static load(source: string | ObjectBytes, programName: string | readonly string[], mapNames: readonly string[], options: LoadOptions = {}): LoadedObject {
		const programNames = typeof programName === 'string' ? [programName] : programName;
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
			const programs = programNames.map(name => [name, checkPointer(`find program ${name}`, api.findProgram(object, name))] as const);
			const maps = mapNames.map(name => [name, checkPointer(`find map ${name}`, api.findMap(object, name))] as const);
			if (options.offloadIfindex !== undefined) {
				for (const [, program] of programs) {
					api.programSetIfindex(program, options.offloadIfindex);
				}
				for (const [name, map] of maps) {
					check(`bind map ${name} to the device`, api.mapSetIfindex(map, options.offloadIfindex));
				}
			}
			check(`load ${programNames.join(', ')}`, api.objectLoad(object));
			return new LoadedObject(object, new Map(programs), new Map(maps.map(([name, map]) => [name, api.mapFd(map)])));
		} catch (error) {
			api.objectClose(object);
			throw error;
		}
	}

	readonly progFd: number;
	readonly mapFds: ReadonlyMap<string, number>;
	readonly #programs: ReadonlyMap<string, Pointer>;
	#object: Pointer | undefined;

	private constructor(object: Pointer, programs: ReadonlyMap<string, Pointer>, mapFds: ReadonlyMap<string, number>) {
		this.#object = object;
		this.#programs = programs;
		this.progFd = libbpf().programFd([...programs.values()][0]!);
		this.mapFds = mapFds;
	}

	/** libbpf's handle of a program asked for at load, valid until close(). */
	program(name: string): Pointer {
		const program = this.#object === undefined ? undefined : this.#programs.get(name);
		if (program === undefined) {
			throw new Error(`program ${name} was not asked for, or the object is closed`);
		}
		return program;
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

/** xdp_exceptions.bpf.o loaded: its two tracepoint programs, not yet attached (see exceptions.ts). */
export function loadExceptionsObject(): LoadedObject {
	return LoadedObject.load(exceptionsObjectSource(), Object.values(EXCEPTION_PROGRAMS), [EXCEPTIONS_MAP]);
}
