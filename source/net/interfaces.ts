/** The host's network interfaces (in this process's network namespace). */
import {execFile} from 'node:child_process';
import {readlinkSync} from 'node:fs';
import {basename} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

export interface NetInterface {
	readonly name: string;
	readonly ifindex: number;
	/** Kernel operstate in lower case: up, down, unknown, dormant, lowerlayerdown ... */
	readonly state: string;
	readonly mtu: number;
	readonly mac: string;
	/** The device driver (virtio_net, mlx5_core), else the link kind (veth, bridge), else "—". */
	readonly driver: string;
}

interface IpLink {
	ifindex?: number;
	ifname?: string;
	operstate?: string;
	mtu?: number;
	address?: string;
	link_type?: string;
	linkinfo?: {info_kind?: string};
}

/**
 * One `ip -details -json link show` (no shell, no names on the command line) gives every
 * interface with its link kind; the device driver, where there is one, comes from sysfs.
 */
export async function listInterfaces(): Promise<NetInterface[]> {
	let stdout: string;
	try {
		({stdout} = await run('ip', ['-details', '-json', 'link', 'show'], {maxBuffer: 256 * 1024 * 1024}));
	} catch (error) {
		const reason = (error as {stderr?: string; code?: string}).code === 'ENOENT' ? 'ip is not installed (apt-get install iproute2)' : ((error as {stderr?: string}).stderr ?? '').trim().split('\n')[0];
		throw new Error(`cannot list interfaces: ${reason || 'ip -json link failed'}`);
	}
	return parseIpLinks(stdout).map(link => ({...link, driver: deviceDriver(link.name) ?? link.driver}));
}

/** Parses `ip -details -json link show` output; drivers here are link kinds only. */
export function parseIpLinks(json: string): NetInterface[] {
	const links = JSON.parse(json) as IpLink[];
	return links
		.filter(link => typeof link.ifname === 'string' && typeof link.ifindex === 'number')
		.map(link => ({
			name: link.ifname!,
			ifindex: link.ifindex!,
			state: (link.operstate ?? 'unknown').toLowerCase(),
			mtu: link.mtu ?? 0,
			mac: link.address ?? '',
			driver: link.linkinfo?.info_kind ?? (link.link_type === 'loopback' ? 'loopback' : '—'),
		}));
}

function deviceDriver(name: string): string | undefined {
	try {
		return basename(readlinkSync(`/sys/class/net/${name}/device/driver`));
	} catch {
		return undefined; // Virtual devices have no device directory.
	}
}

export function findInterface(interfaces: readonly NetInterface[], name: string): NetInterface | undefined {
	return interfaces.find(candidate => candidate.name === name);
}
