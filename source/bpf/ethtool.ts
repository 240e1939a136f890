/**
 * The ethtool ioctl, for the one fact sysfs cannot be trusted with: an interface's driver.
 * /sys/class/net shows the network namespace sysfs was mounted in, so under `nsenter --net` a
 * veth named eth0 would read as the host's eth0 (virtio_net). A socket answers for the namespace
 * the process is in when it makes it, which is the one whose interfaces xdptop lists.
 */
import {addressOf, libbpf, withGuardedMemory, type LibbpfApi} from './libbpf.js';
import {IFNAMSIZ, IFREQ_SIZE, openSocket, withSocket} from './socket.js';

const SIOCETHTOOL = 0x89_46;
const ETHTOOL_GDRVINFO = 0x03;
/** ifr_data, the pointer in struct ifreq's union. */
const IFR_DATA_OFFSET = 16;
/** struct ethtool_drvinfo: cmd u32, driver[32], version[32], fw_version[32], bus_info[32], ... */
const DRVINFO_SIZE = 196;
const DRIVER_OFFSET = 4;
const DRIVER_LENGTH = 32;

export type DriverAnswer =
	| {readonly driver: string}
	/** The device has no driver information (loopback, some virtual devices) or is gone. */
	| {readonly driver: undefined}
	/** The ioctl itself cannot be made here (libc or libbpf not loadable): ask something else. */
	| undefined;

/**
 * ETHTOOL_GDRVINFO for the interface with these name bytes, in this process's network
 * namespace: the driver's name (virtio_net, veth, bridge), else {driver: undefined} when the
 * device has none to give; undefined when the question cannot be asked at all.
 */
export function ethtoolDriver(nameBytes: Uint8Array): DriverAnswer {
	if (!validName(nameBytes)) {
		return {driver: undefined}; // Not a name the kernel could have.
	}
	let api: LibbpfApi;
	try {
		api = libbpf();
	} catch {
		return undefined;
	}
	return withSocket(api, (fd): DriverAnswer => {
		if (fd < 0) {
			return undefined;
		}
		const drvinfo = Buffer.alloc(DRVINFO_SIZE);
		drvinfo.writeUInt32LE(ETHTOOL_GDRVINFO, 0);
		if (!ethtoolCall(api, fd, nameBytes, addressOf(drvinfo))) {
			return {driver: undefined}; // EOPNOTSUPP (no get_drvinfo, no parent device), ENODEV (gone).
		}
		const field = drvinfo.subarray(DRIVER_OFFSET, DRIVER_OFFSET + DRIVER_LENGTH);
		const end = field.indexOf(0);
		const driver = field.subarray(0, end === -1 ? DRIVER_LENGTH : end).toString('utf8');
		return {driver: driver || undefined};
	});
}

const ETHTOOL_GSTRINGS = 0x1b;
const ETHTOOL_GSTATS = 0x1d;
const ETHTOOL_GSSET_INFO = 0x37;
const ETH_SS_STATS = 1;
const ETH_GSTRING_LEN = 32;
/** struct ethtool_sset_info: cmd u32, reserved u32, sset_mask u64, then one u32 per set asked. */
const SSET_INFO_SIZE = 20;
/** struct ethtool_gstrings: cmd, string_set, len (u32 each), then len names of 32 bytes. */
const GSTRINGS_HEADER = 12;
/** struct ethtool_stats: cmd, n_stats (u32 each), then n_stats u64 values. */
const GSTATS_HEADER = 8;
/** A driver with more statistics than this is not read (mlx5 has a few thousand at most). */
const MAX_STATS = 65_536;

function validName(nameBytes: Uint8Array): boolean {
	return nameBytes.length > 0 && nameBytes.length < IFNAMSIZ && !nameBytes.includes(0);
}

/** SIOCETHTOOL on the interface with these name bytes, its command and data at `address`. */
function ethtoolCall(api: LibbpfApi, fd: number, nameBytes: Uint8Array, address: bigint): boolean {
	const ifreq = Buffer.alloc(IFREQ_SIZE);
	ifreq.set(nameBytes, 0);
	ifreq.writeBigUInt64LE(address, IFR_DATA_OFFSET);
	return api.ioctl(fd, SIOCETHTOOL, ifreq) >= 0;
}

/**
 * The driver's own statistics (what `ethtool -S` shows) of one interface in this process's
 * network namespace, over one socket kept open: the names once, the values on every read.
 */
export class EthtoolStats {
	/** Opens the socket, or undefined where libbpf/libc cannot be loaded or no socket opens. */
	static open(): EthtoolStats | undefined {
		let api: LibbpfApi;
		try {
			api = libbpf();
		} catch {
			return undefined;
		}
		const fd = openSocket(api);
		return fd < 0 ? undefined : new EthtoolStats(api, fd);
	}

	readonly #api: LibbpfApi;
	#fd: number;

	private constructor(api: LibbpfApi, fd: number) {
		this.#api = api;
		this.#fd = fd;
	}

	/** How many statistics the device has now; undefined when it has none or is gone. */
	#count(nameBytes: Uint8Array): number | undefined {
		const info = Buffer.alloc(SSET_INFO_SIZE);
		info.writeUInt32LE(ETHTOOL_GSSET_INFO, 0);
		info.writeBigUInt64LE(1n << BigInt(ETH_SS_STATS), 8);
		if (!ethtoolCall(this.#api, this.#fd, nameBytes, addressOf(info)) || info.readBigUInt64LE(8) === 0n) {
			return undefined;
		}
		const count = info.readUInt32LE(16);
		return count > 0 && count <= MAX_STATS ? count : undefined;
	}

	/**
	 * One GSTRINGS or GSTATS call for `count` entries of `entrySize` bytes: a copy of the entries,
	 * or undefined when the kernel's count differs (the set changed: ask names() again). Kernels
	 * before the end of 2025 write as many entries as the device has *now*, whatever was asked:
	 * the memory ends at an inaccessible page, so a set that grew meanwhile fails with EFAULT
	 * instead of writing past it.
	 */
	#entries(nameBytes: Uint8Array, command: number, count: number, entrySize: number): Buffer | undefined {
		const header = command === ETHTOOL_GSTRINGS ? GSTRINGS_HEADER : GSTATS_HEADER;
		return withGuardedMemory(header + count * entrySize, (address, data) => {
			data.writeUInt32LE(command, 0);
			if (command === ETHTOOL_GSTRINGS) {
				data.writeUInt32LE(ETH_SS_STATS, 4);
			}
			data.writeUInt32LE(count, header - 4);
			if (!ethtoolCall(this.#api, this.#fd, nameBytes, address) || data.readUInt32LE(header - 4) !== count) {
				return undefined;
			}
			return Buffer.from(data.subarray(header, header + count * entrySize));
		});
	}

	/** The statistics' names; undefined when the device has none or is gone. */
	names(nameBytes: Uint8Array): string[] | undefined {
		if (!validName(nameBytes) || this.#fd < 0) {
			return undefined;
		}
		const count = this.#count(nameBytes);
		const strings = count === undefined ? undefined : this.#entries(nameBytes, ETHTOOL_GSTRINGS, count, ETH_GSTRING_LEN);
		if (!strings || count === undefined) {
			return undefined;
		}
		const names: string[] = [];
		for (let index = 0; index < count; index++) {
			const field = strings.subarray(index * ETH_GSTRING_LEN, (index + 1) * ETH_GSTRING_LEN);
			const end = field.indexOf(0);
			names.push(field.subarray(0, end === -1 ? ETH_GSTRING_LEN : end).toString('latin1'));
		}
		return names;
	}

	/**
	 * The values, in the order of names() (which gave `count` names); undefined when the device
	 * is gone or its set changed size (queues added or removed: ask names() again).
	 */
	values(nameBytes: Uint8Array, count: number): BigUint64Array | undefined {
		if (!validName(nameBytes) || this.#fd < 0 || this.#count(nameBytes) !== count) {
			return undefined;
		}
		const stats = this.#entries(nameBytes, ETHTOOL_GSTATS, count, 8);
		return stats ? new BigUint64Array(stats.buffer.slice(stats.byteOffset, stats.byteOffset + count * 8)) : undefined;
	}

	close(): void {
		if (this.#fd >= 0) {
			this.#api.close(this.#fd);
			this.#fd = -1;
		}
	}
}
