/**
 * The one place that touches koffi: binds the few libbpf (and libc) calls xdptop needs and
 * turns their -errno / NULL+errno conventions into BpfError.
 */
import koffi, {type LibraryHandle} from 'koffi';
import {BpfError, LibbpfMissingError} from './errors.js';

/** A C pointer as koffi 3 gives it. */
export type Pointer = bigint;

const LIBBPF_NAMES = ['libbpf.so.1', 'libbpf.so'];
const LOG_LIMIT = 64;
const LIBBPF_INFO = 1; // enum libbpf_print_level: WARN 0, INFO 1, DEBUG 2

function bind() {
	let lib: LibraryHandle | undefined;
	const reasons: string[] = [];
	for (const name of LIBBPF_NAMES) {
		try {
			// Lazy: what libelf and zlib import is looked up when first called rather than all at
			// load, where every lookup searches node's 5 MB of exported symbol names first (monitor,
			// 20 interfaces: 320 KB fewer of their pages resident). Debian's libbpf is linked BIND_NOW and stays so; every
			// function xdptop binds is still looked up by lib.func() before its first call.
			lib = koffi.load(name, {lazy: true});
			break;
		} catch (error) {
			reasons.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
		}
	}
	if (!lib) {
		throw new LibbpfMissingError(reasons[0] ?? 'not found');
	}
	const libc = koffi.load('libc.so.6');
	const printFn = koffi.proto('int xdptop_libbpf_print_fn(int level, const char *fmt, void *args)');

	return {
		printFn,
		vsnprintf: libc.func('int vsnprintf(_Out_ uint8_t *buf, size_t size, const char *fmt, void *args)'),
		close: libc.func('int close(int fd)'),
		strerror: libc.func('const char *strerror(int errnum)'),
		socket: libc.func('int socket(int domain, int type, int protocol)'),
		getsockopt: libc.func('int getsockopt(int fd, int level, int optname, _Out_ uint8_t *optval, _Inout_ uint32_t *optlen)'),
		// ioctl(2) is variadic; every request xdptop makes passes one pointer, which the x86-64 and
		// arm64 Linux ABIs pass the same way to a variadic and a plain function.
		ioctl: libc.func('int ioctl(int fd, unsigned long request, _Inout_ uint8_t *arg)'),
		setns: libc.func('int setns(int fd, int nstype)'),
		mmap: libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, intptr_t offset)'),
		mprotect: libc.func('int mprotect(void *addr, size_t length, int prot)'),
		munmap: libc.func('int munmap(void *addr, size_t length)'),
		bind: libc.func('int bind(int fd, const uint8_t *addr, uint32_t addrlen)'),
		send: libc.func('intptr_t send(int fd, const uint8_t *buf, size_t len, int flags)'),
		recv: libc.func('intptr_t recv(int fd, _Out_ uint8_t *buf, size_t len, int flags)'),
		ifNameToIndex: libc.func('unsigned int if_nametoindex(const char *ifname)'),
		mallopt: libc.func('int mallopt(int param, int value)'),
		setPrint: lib.func('void *libbpf_set_print(xdptop_libbpf_print_fn *fn)'),
		numPossibleCpus: lib.func('int libbpf_num_possible_cpus(void)'),
		objectOpenFile: lib.func('void *bpf_object__open_file(const char *path, void *opts)'),
		objectOpenMem: lib.func('void *bpf_object__open_mem(const uint8_t *buf, size_t size, void *opts)'),
		objectLoad: lib.func('int bpf_object__load(void *obj)'),
		objectClose: lib.func('void bpf_object__close(void *obj)'),
		findProgram: lib.func('void *bpf_object__find_program_by_name(void *obj, const char *name)'),
		programFd: lib.func('int bpf_program__fd(void *prog)'),
		programSetIfindex: lib.func('void bpf_program__set_ifindex(void *prog, uint32_t ifindex)'),
		programAttachRawTracepoint: lib.func('void *bpf_program__attach_raw_tracepoint(void *prog, const char *name)'),
		linkDestroy: lib.func('int bpf_link__destroy(void *link)'),
		findMap: lib.func('void *bpf_object__find_map_by_name(void *obj, const char *name)'),
		mapFd: lib.func('int bpf_map__fd(void *map)'),
		mapSetIfindex: lib.func('int bpf_map__set_ifindex(void *map, uint32_t ifindex)'),
		mapReuseFd: lib.func('int bpf_map__reuse_fd(void *map, int fd)'),
		mapSetMaxEntries: lib.func('int bpf_map__set_max_entries(void *map, uint32_t max_entries)'),
		mapSetInitialValue: lib.func('int bpf_map__set_initial_value(void *map, const uint8_t *data, size_t size)'),
		mapCreate: lib.func('int bpf_map_create(int map_type, const char *map_name, uint32_t key_size, uint32_t value_size, uint32_t max_entries, void *opts)'),
		linkCreate: lib.func('int bpf_link_create(int prog_fd, int target_fd, int attach_type, void *opts)'),
		linkDetach: lib.func('int bpf_link_detach(int link_fd)'),
		xdpQuery: lib.func('int bpf_xdp_query(int ifindex, int flags, _Inout_ uint8_t *opts)'),
		progGetFdById: lib.func('int bpf_prog_get_fd_by_id(uint32_t id)'),
		mapGetFdById: lib.func('int bpf_map_get_fd_by_id(uint32_t id)'),
		linkGetFdById: lib.func('int bpf_link_get_fd_by_id(uint32_t id)'),
		linkGetNextId: lib.func('int bpf_link_get_next_id(uint32_t start_id, _Out_ uint32_t *next_id)'),
		objGetInfoByFd: lib.func('int bpf_obj_get_info_by_fd(int fd, _Inout_ uint8_t *info, _Inout_ uint32_t *info_len)'),
		mapLookupElem: lib.func('int bpf_map_lookup_elem(int fd, const uint8_t *key, _Out_ uint8_t *value)'),
		mapUpdateElem: lib.func('int bpf_map_update_elem(int fd, const uint8_t *key, const uint8_t *value, uint64_t flags)'),
		mapDeleteElem: lib.func('int bpf_map_delete_elem(int fd, const uint8_t *key)'),
		mapLookupBatch: lib.func(
			'int bpf_map_lookup_batch(int fd, void *in_batch, _Out_ uint8_t *out_batch, _Out_ uint8_t *keys, _Out_ uint8_t *values, _Inout_ uint32_t *count, void *opts)',
		),
		progTestRun: lib.func('int bpf_prog_test_run_opts(int prog_fd, _Inout_ uint8_t *opts)'),
		objPin: lib.func('int bpf_obj_pin(int fd, const char *path)'),
		objGet: lib.func('int bpf_obj_get(const char *path)'),
		enableStats: lib.func('int bpf_enable_stats(int type)'),
		btfLoadById: lib.func('void *btf__load_from_kernel_by_id(uint32_t id)'),
		btfTypeById: lib.func('void *btf__type_by_id(void *btf, uint32_t id)'),
		btfNameByOffset: lib.func('const char *btf__name_by_offset(void *btf, uint32_t offset)'),
		btfFree: lib.func('void btf__free(void *btf)'),
	};
}

/** The typed face of the bindings: koffi's own function type is untyped. */
export interface LibbpfApi {
	numPossibleCpus(): number;
	objectOpenFile(path: string, opts: null): Pointer | null;
	/** libbpf reads the buffer while it opens and loads: keep it alive until then. */
	objectOpenMem(bytes: Uint8Array, size: number, opts: null): Pointer | null;
	objectLoad(object: Pointer): number;
	objectClose(object: Pointer): void;
	findProgram(object: Pointer, name: string): Pointer | null;
	programFd(program: Pointer): number;
	programSetIfindex(program: Pointer, ifindex: number): void;
	/** NULL and errno on failure. */
	programAttachRawTracepoint(program: Pointer, name: string): Pointer | null;
	linkDestroy(link: Pointer): number;
	findMap(object: Pointer, name: string): Pointer | null;
	mapFd(map: Pointer): number;
	mapSetIfindex(map: Pointer, ifindex: number): number;
	/** The object's map becomes that existing map (libbpf dups the fd) instead of a new one. */
	mapReuseFd(map: Pointer, fd: number): number;
	/** Before load: the size of a map libbpf is to create. */
	mapSetMaxEntries(map: Pointer, maxEntries: number): number;
	/** Before load: the contents of a global data map (.rodata); libbpf copies them. */
	mapSetInitialValue(map: Pointer, data: Buffer, size: number): number;
	/** opts: a struct bpf_map_create_opts, or null for none. */
	mapCreate(type: number, name: string, keySize: number, valueSize: number, maxEntries: number, opts: Buffer | null): number;
	linkCreate(progFd: number, targetFd: number, attachType: number, opts: Buffer): number;
	linkDetach(linkFd: number): number;
	xdpQuery(ifindex: number, flags: number, opts: Buffer): number;
	progGetFdById(id: number): number;
	mapGetFdById(id: number): number;
	linkGetFdById(id: number): number;
	linkGetNextId(startId: number, nextId: Buffer): number;
	objGetInfoByFd(fd: number, info: Buffer, infoLength: Buffer): number;
	mapLookupElem(fd: number, key: Buffer, value: Buffer): number;
	mapUpdateElem(fd: number, key: Buffer, value: Buffer, flags: number): number;
	mapDeleteElem(fd: number, key: Buffer): number;
	mapLookupBatch(
		fd: number,
		inBatch: Buffer | null,
		outBatch: Buffer,
		keys: Buffer,
		values: Buffer,
		count: Buffer,
		opts: null,
	): number;
	progTestRun(progFd: number, opts: Buffer): number;
	objPin(fd: number, path: string): number;
	objGet(path: string): number;
	enableStats(type: number): number;
	/** NULL (and errno) when the BTF object is gone or cannot be read. */
	btfLoadById(id: number): Pointer | null;
	btfTypeById(btf: Pointer, id: number): Pointer | null;
	btfNameByOffset(btf: Pointer, offset: number): string | null;
	btfFree(btf: Pointer): void;
	close(fd: number): number;
	strerror(errno: number): string | null;
	/** libc: return -1 and set errno (read it with lastErrno()). */
	socket(domain: number, type: number, protocol: number): number;
	getsockopt(fd: number, level: number, optname: number, optval: Buffer, optlen: Buffer): number;
	ioctl(fd: number, request: number, arg: Buffer): number;
	setns(fd: number, nstype: number): number;
	/** MAP_FAILED is (void *) -1. */
	mmap(address: null, length: number, prot: number, flags: number, fd: number, offset: number): Pointer;
	mprotect(address: Pointer, length: number, prot: number): number;
	munmap(address: Pointer, length: number): number;
	bind(fd: number, address: Buffer, length: number): number;
	send(fd: number, data: Buffer, length: number, flags: number): number;
	recv(fd: number, buffer: Buffer, length: number, flags: number): number;
	/** 0 and errno when there is no such interface. */
	ifNameToIndex(name: string): number;
	/** 1 when set, 0 when glibc refuses the parameter or value. */
	mallopt(parameter: number, value: number): number;
}

let api: LibbpfApi | undefined;
let printCallback: Pointer | undefined;
const log: string[] = [];

/** Loads libbpf once, and routes its printing into a buffer so it never reaches the terminal. */
export function libbpf(): LibbpfApi {
	if (api) {
		return api;
	}
	const bound = bind();
	const line = Buffer.alloc(1024);
	printCallback = koffi.register((level: number, fmt: string, args: Pointer) => {
		if (level > LIBBPF_INFO) {
			return 0; // Debug chatter: formatting it costs more than it tells.
		}
		const length = bound.vsnprintf(line, line.length, fmt, args);
		const text = line.subarray(0, Math.max(0, Math.min(length, line.length - 1))).toString('utf8').trimEnd();
		if (log.length >= LOG_LIMIT) {
			log.shift();
		}
		log.push(text);
		return 0;
	}, koffi.pointer(bound.printFn));
	bound.setPrint(printCallback);
	api = bound as unknown as LibbpfApi;
	return api;
}

/** libbpf's printed lines since the last call, oldest first; empties the buffer. */
export function takeLibbpfLog(): string[] {
	return log.splice(0, log.length);
}

/** errno of the last libc call made through koffi: read it at once. */
export function lastErrno(): number {
	return koffi.errno();
}

function failure(operation: string, errno: number): BpfError {
	const details = takeLibbpfLog();
	return new BpfError(`${operation}: ${describeErrno(errno)}`, errno, details);
}

/** strerror(3): the kernel's own words for an errno, e.g. "Device or resource busy". */
function describeErrno(errno: number): string {
	return libbpf().strerror(Math.abs(errno)) ?? `errno ${errno}`;
}

/** Checks an int-returning libbpf call (returns -errno on failure). */
export function check(operation: string, result: number): number {
	if (result < 0) {
		throw failure(operation, -result);
	}
	log.length = 0; // What libbpf said during a call that worked is not about the next failure.
	return result;
}

/** Checks a libc call that returns -1 and sets errno (or the errno given, read elsewhere). */
export function checkLibc(operation: string, result: number, errno?: number): number {
	if (result < 0) {
		throw failure(operation, errno || lastErrno() || 22);
	}
	return result;
}

/** Checks a pointer-returning libbpf call (NULL and errno on failure; errno when read earlier). */
export function checkPointer(operation: string, result: Pointer | null, errno?: number): Pointer {
	if (result === null || result === 0n) {
		throw failure(operation, errno || lastErrno() || 22);
	}
	return result;
}

export function closeFd(fd: number): void {
	if (fd >= 0) {
		libbpf().close(fd);
	}
}

/** The address of a Buffer's memory, for pointer fields inside the structs we hand to libbpf. */
export function addressOf(buffer: Buffer): bigint {
	return koffi.address(buffer);
}

/** The u32 at `offset` bytes into C memory libbpf handed out (a struct field it has no getter for). */
export function readUint32(pointer: Pointer, offset: number): number {
	return koffi.decode(pointer, offset, 'uint32_t') as number;
}

/** struct bpf_map_create_opts as libbpf 1.0 knows it (sz first, map_flags at 28), with only map_flags set. */
export function mapCreateOpts(mapFlags: number): Buffer {
	const opts = Buffer.alloc(48);
	opts.writeBigUInt64LE(48n, 0);
	opts.writeUInt32LE(mapFlags, 28);
	return opts;
}

const PAGE = 4096;
const PROT_NONE = 0;
const PROT_READ = 1;
const MAP_SHARED = 1;
const PROT_READ_WRITE = 3;
const MAP_PRIVATE_ANONYMOUS = 0x22;
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * Runs fn with `size` bytes of fresh memory that ends at an inaccessible page, for a kernel call
 * that may write more than it was asked to: past the end it faults (EFAULT) instead of writing
 * over this process's heap. fn gets the memory's address and a Buffer over it; the memory is
 * unmapped afterwards, so nothing of it may outlive fn.
 */
export function withGuardedMemory<T>(size: number, fn: (address: Pointer, memory: Buffer) => T): T {
	const api = libbpf();
	const usable = Math.ceil(Math.max(1, size) / PAGE) * PAGE;
	const address = api.mmap(null, usable + PAGE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
	if (address === MAP_FAILED || address === 0n) {
		throw new Error(`cannot map ${usable + PAGE} bytes (errno ${lastErrno()})`);
	}
	try {
		if (api.mprotect(address + BigInt(usable), PAGE, PROT_NONE) !== 0) {
			throw new Error(`cannot protect a guard page (errno ${lastErrno()})`);
		}
		return fn(address, Buffer.from(koffi.view(address, usable)));
	} finally {
		api.munmap(address, usable + PAGE);
	}
}

/** A BPF map's values mapped read-only into this process's memory: the map lives while the mapping does. */
export interface MappedMap {
	/** The first `length` bytes of the map's values, as u64s: valid until unmap(). */
	readonly counters: BigUint64Array;
	unmap(): void;
}

/** Maps the first `length` bytes of an mmap-able map's values (BPF_F_MMAPABLE), read-only and shared with the kernel. */
export function mapMapReadOnly(fd: number, length: number): MappedMap {
	const api = libbpf();
	const address = api.mmap(null, length, PROT_READ, MAP_SHARED, fd, 0);
	if (address === MAP_FAILED || address === 0n) {
		throw failure('map the counters into memory', lastErrno());
	}
	let mapped = true;
	return {
		counters: new BigUint64Array(koffi.view(address, length)),
		unmap() {
			if (mapped) {
				mapped = false;
				api.munmap(address, length);
			}
		},
	};
}
