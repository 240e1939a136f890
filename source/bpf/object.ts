import {existsSync} from 'node:fs';
import {ACTIONS_MAP, PROG_NAME, PROTOS_MAP} from './abi.js';
import {BpfError} from './errors.js';
import {check, checkPointer, libbpf, type Pointer} from './libbpf.js';
import {statsObjectPath} from './paths.js';

/**
 * One loaded instance of xdp_stats.bpf.o: its own program and its own maps. xdptop loads one
 * per interface so that every interface is counted on its own.
 */
export class StatsObject {
	/** Loads the program; with offloadIfindex it is bound to that device, as hardware offload needs. */
	static load(options: {offloadIfindex?: number; path?: string} = {}): StatsObject {
		const path = options.path ?? statsObjectPath();
		if (!existsSync(path)) {
			throw new BpfError(`BPF object ${path} is missing: run 'make build' in the xdptop directory`, 2);
		}
		const api = libbpf();
		const object = checkPointer(`open ${path}`, api.objectOpenFile(path, null));
		try {
			const program = checkPointer(`find program ${PROG_NAME}`, api.findProgram(object, PROG_NAME));
			if (options.offloadIfindex !== undefined) {
				api.programSetIfindex(program, options.offloadIfindex);
				for (const name of [ACTIONS_MAP, PROTOS_MAP]) {
					const map = checkPointer(`find map ${name}`, api.findMap(object, name));
					check(`bind map ${name} to the device`, api.mapSetIfindex(map, options.offloadIfindex));
				}
			}
			check(`load ${PROG_NAME}`, api.objectLoad(object));
			return new StatsObject(object, program);
		} catch (error) {
			api.objectClose(object);
			throw error;
		}
	}

	readonly progFd: number;
	readonly actionsMapFd: number;
	readonly protosMapFd: number;
	#object: Pointer | undefined;

	private constructor(object: Pointer, program: Pointer) {
		const api = libbpf();
		this.#object = object;
		this.progFd = api.programFd(program);
		this.actionsMapFd = api.mapFd(checkPointer(`find map ${ACTIONS_MAP}`, api.findMap(object, ACTIONS_MAP)));
		this.protosMapFd = api.mapFd(checkPointer(`find map ${PROTOS_MAP}`, api.findMap(object, PROTOS_MAP)));
	}

	/** Closes the program and map fds; an attachment made through a link keeps its own reference. */
	close(): void {
		if (this.#object !== undefined) {
			libbpf().objectClose(this.#object);
			this.#object = undefined;
		}
	}
}
