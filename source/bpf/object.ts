import {existsSync} from 'node:fs';
import {BPF_MAP_TYPE_ARRAY, COUNTERS_MAP, EXCEPTION_EVENTS_MAP, EXCEPTION_PROGRAMS, EXCEPTIONS_MAP, PROG_NAME, RODATA_MAP, RODATA_SIZE, type LEGACY_LAYOUTS, type LegacyMap} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkPointer, libbpf, type Pointer} from './libbpf.js';
import {cpuRowsPerSlot} from './maps.js';
import {objectSource, type ObjectBytes} from './object-source.js';

export interface LoadOptions {
	/** Bind the program and its maps to this device, as hardware offload needs. */
	readonly offloadIfindex?: number;
	/** Maps (by name) that are to be these existing maps, by fd, instead of new ones. */
	readonly reuseMaps?: ReadonlyMap<string, number>;
	/** Initial contents of global data maps (by name, e.g. .rodata). */
	readonly initialValues?: ReadonlyMap<string, Buffer>;
	/** Sizes of new maps (by name), in place of what the object declares. */
	readonly maxEntries?: ReadonlyMap<string, number>;
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
			const map = (name: string) => maps.find(([mapName]) => mapName === name)?.[1] ?? checkPointer(`find map ${name}`, api.findMap(object, name));
			for (const [name, fd] of options.reuseMaps ?? []) {
				check(`use the existing map for ${name}`, api.mapReuseFd(map(name), fd));
			}
			for (const [name, entries] of options.maxEntries ?? []) {
				check(`size map ${name}`, api.mapSetMaxEntries(map(name), entries));
			}
			for (const [name, value] of options.initialValues ?? []) {
				check(`set ${name}`, api.mapSetInitialValue(map(name), value, value.length));
			}
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

/** Where an instance counts: the shared counters map, and its slot's first row there. */
export interface CounterSlotRef {
	readonly mapFd: number;
	readonly firstRow: number;
}

/**
 * One loaded instance of xdp_stats.bpf.o. With a slot, it counts into that existing map at that
 * slot's rows; without, into a map of its own with one slot: a row per CPU id (hardware
 * offload: the map lives on the device).
 */
export class StatsObject {
	static load(options: {offloadIfindex?: number; slot?: CounterSlotRef} = {}): StatsObject {
		const {slot, offloadIfindex} = options;
		const rodata = Buffer.alloc(RODATA_SIZE);
		rodata.writeUInt32LE(slot?.firstRow ?? 0);
		return new StatsObject(
			LoadedObject.load(objectSource('xdp_stats.bpf.o'), PROG_NAME, [COUNTERS_MAP], {
				offloadIfindex,
				reuseMaps: slot ? new Map([[COUNTERS_MAP, slot.mapFd]]) : undefined,
				maxEntries: slot ? undefined : new Map([[COUNTERS_MAP, cpuRowsPerSlot()]]),
				initialValues: new Map([[RODATA_MAP, rodata]]),
			}),
		);
	}

	readonly progFd: number;
	readonly countersMapFd: number;
	readonly #loaded: LoadedObject;

	private constructor(loaded: LoadedObject) {
		this.#loaded = loaded;
		this.progFd = loaded.progFd;
		this.countersMapFd = loaded.mapFd(COUNTERS_MAP);
	}

	close(): void {
		this.#loaded.close();
	}
}

/** An earlier layout's program (bpf/legacy/), loaded only to learn its tag. */
export function loadLegacyStatsObject(layout: (typeof LEGACY_LAYOUTS)[number]): LoadedObject {
	const maps: readonly LegacyMap[] = layout.maps;
	// A plain array holds a row per CPU id, as today's does: sized as one slot, so that a frame on
	// any CPU counts (with the object's one row, frames past CPU 0 counted nowhere, and ran faster).
	const rowsPerCpu = maps.some(map => map.name === COUNTERS_MAP && map.type === BPF_MAP_TYPE_ARRAY);
	return LoadedObject.load(
		objectSource(layout.object),
		PROG_NAME,
		maps.map(map => map.name).filter(name => !name.startsWith('.')),
		rowsPerCpu ? {maxEntries: new Map([[COUNTERS_MAP, cpuRowsPerSlot()]])} : {},
	);
}

/** xdp_exceptions.bpf.o loaded: its two tracepoint programs, not yet attached (see exceptions.ts). */
export function loadExceptionsObject(): LoadedObject {
	return LoadedObject.load(objectSource('xdp_exceptions.bpf.o'), Object.values(EXCEPTION_PROGRAMS), [EXCEPTIONS_MAP, EXCEPTION_EVENTS_MAP]);
}
