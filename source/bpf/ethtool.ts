/**
 * The ethtool ioctl, for the one fact sysfs cannot be trusted with: an interface's driver.
 * /sys/class/net shows the network namespace sysfs was mounted in, so under `nsenter --net` a
 * veth named eth0 would read as the host's eth0 (virtio_net). A socket answers for the namespace
 * the process is in when it makes it, which is the one whose interfaces xdptop lists.
 */
import {addressOf, libbpf, type LibbpfApi} from './libbpf.js';
import {IFNAMSIZ, IFREQ_SIZE, withSocket} from './socket.js';

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
	if (nameBytes.length === 0 || nameBytes.length >= IFNAMSIZ || nameBytes.includes(0)) {
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
		const ifreq = Buffer.alloc(IFREQ_SIZE);
		ifreq.set(nameBytes, 0);
		ifreq.writeBigUInt64LE(addressOf(drvinfo), IFR_DATA_OFFSET);
		if (api.ioctl(fd, SIOCETHTOOL, ifreq) < 0) {
			return {driver: undefined}; // EOPNOTSUPP (no get_drvinfo, no parent device), ENODEV (gone).
		}
		const field = drvinfo.subarray(DRIVER_OFFSET, DRIVER_OFFSET + DRIVER_LENGTH);
		const end = field.indexOf(0);
		const driver = field.subarray(0, end === -1 ? DRIVER_LENGTH : end).toString('utf8');
		return {driver: driver || undefined};
	});
}
