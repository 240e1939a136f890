/** The host's network interfaces (in this process's network namespace). */
import {execFile, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {readlinkSync} from 'node:fs';
import {basename} from 'node:path';
import {promisify} from 'node:util';
import {ethtoolDriver} from '../bpf/ethtool.js';
import {ifnameBytes, ifnameFromLatin1} from '../model/ifname.js';
import {type ReportedProgram, type XdpMode} from '../model/xdp.js';
import {programPath} from '../system-programs.js';

const run = promisify(execFile);

export interface NetInterface {
	/**
	 * The name, lossless: valid UTF-8 as text, any other byte as U+DC80..U+DCFF (model/ifname.ts).
	 * Show it with escapeControl, give the kernel ifnameBytes(name) or the ifindex.
	 */
	readonly name: string;
	readonly ifindex: number;
	/** Kernel operstate in lower case: up, down, unknown, dormant, lowerlayerdown ... */
	readonly state: string;
	readonly mtu: number;
	readonly mac: string;
	/** The device driver (virtio_net, mlx5_core), else the link kind (veth, bridge), else "—". */
	readonly driver: string;
	/** XDP programs as the same netlink dump reports them: every interface's at once. */
	readonly xdpPrograms: readonly ReportedProgram[];
}

interface IpXdpEntry {
	mode?: number;
	prog?: {id?: number; name?: string; tag?: string};
}

/** ip's XDP modes: 1 drv, 2 skb, 3 hw (4 is "multi", with the list under "attached"). */
const IP_XDP_MODES: Readonly<Record<number, XdpMode>> = {1: 'drv', 2: 'skb', 3: 'hw'};

function parseXdp(xdp: (IpXdpEntry & {attached?: IpXdpEntry[]}) | undefined): ReportedProgram[] {
	const entries = xdp?.attached ?? (xdp ? [xdp] : []);
	return entries.flatMap(entry => {
		const mode = IP_XDP_MODES[entry.mode ?? 0];
		return mode && entry.prog?.id ? [{mode, progId: entry.prog.id, progName: ifnameFromLatin1(entry.prog.name ?? ''), tag: entry.prog.tag ?? ''}] : [];
	});
}

interface IpLink {
	ifindex?: number;
	ifname?: string;
	operstate?: string;
	mtu?: number;
	address?: string;
	link_type?: string;
	linkinfo?: {info_kind?: string};
	xdp?: IpXdpEntry & {attached?: IpXdpEntry[]};
}

/**
 * One `ip -details -json link show` (no shell, no names on the command line) gives every
 * interface with its link kind; the device driver, where there is one, from the ethtool ioctl.
 */
export async function listInterfaces(): Promise<NetInterface[]> {
	let stdout: string;
	try {
		// latin1: one character per byte, so that names that are not UTF-8 keep every byte.
		({stdout} = await run(programPath('ip'), ['-details', '-json', 'link', 'show'], {maxBuffer: 256 * 1024 * 1024, encoding: 'latin1'}));
	} catch (error) {
		const reason = (error as {stderr?: string; code?: string}).code === 'ENOENT' ? 'ip is not installed (apt-get install iproute2)' : ((error as {stderr?: string}).stderr ?? '').trim().split('\n')[0];
		throw new Error(`cannot list interfaces: ${reason || 'ip -json link failed'}`);
	}
	return parseIpLinks(stdout).map(link => ({...link, driver: deviceDriver(link.name) ?? link.driver}));
}

/**
 * ip writes control bytes of interface names (ESC, BEL ...) raw into its JSON strings, which JSON
 * forbids. Its compact output has no other control bytes (names hold no white space), so every
 * one of them is inside a string and can be escaped where it stands.
 */
export function escapeRawControls(json: string): string {
	// eslint-disable-next-line no-control-regex
	return json.trimEnd().replaceAll(/[\u0000-\u001f]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Parses `ip -details -json link show` output: its bytes, or a string read from them as latin1
 * (one character per byte). ip writes a name's bytes as they are, valid UTF-8 or not; each name
 * is decoded losslessly (model/ifname.ts). Drivers here are link kinds only.
 */
export function parseIpLinks(output: string | Buffer): NetInterface[] {
	const json = typeof output === 'string' ? output : output.toString('latin1');
	const links = JSON.parse(escapeRawControls(json)) as IpLink[];
	return links
		.filter(link => typeof link.ifname === 'string' && typeof link.ifindex === 'number')
		.map(link => ({
			name: ifnameFromLatin1(link.ifname!),
			ifindex: link.ifindex!,
			state: (link.operstate ?? 'unknown').toLowerCase(),
			mtu: link.mtu ?? 0,
			mac: link.address ?? '',
			driver: link.linkinfo?.info_kind ?? (link.link_type === 'loopback' ? 'loopback' : '—'),
			xdpPrograms: parseXdp(link.xdp),
		}));
}

/**
 * The driver, from the ethtool ioctl in this process's network namespace (sysfs may show another
 * namespace's interfaces: under `nsenter --net` it is still the host's). Only when that ioctl
 * cannot be made at all does sysfs answer.
 */
function deviceDriver(name: string): string | undefined {
	const bytes = ifnameBytes(name);
	const answer = ethtoolDriver(bytes);
	if (answer) {
		return answer.driver;
	}
	try {
		const path = Buffer.concat([Buffer.from('/sys/class/net/'), bytes, Buffer.from('/device/driver')]);
		return basename(readlinkSync(path, 'utf8'));
	} catch {
		return undefined; // Virtual devices have no device directory.
	}
}

/**
 * For the monitor, which lists interfaces every tick: one `ip -batch` process that stays, asked
 * "link show" each time, costs a netlink dump instead of a process start. It ends with its
 * stdin, so it goes when xdptop goes, however xdptop ends.
 */
export class InterfaceLister {
	#ip: ChildProcessWithoutNullStreams | undefined;
	#buffer = '';
	#waiting: Array<(line: string | Error) => void> = [];
	#drivers = new Map<string, string | undefined>();

	async list(): Promise<NetInterface[]> {
		const ip = this.#start();
		const line = new Promise<string | Error>(resolve => this.#waiting.push(resolve));
		ip.stdin.write('link show\n');
		const answer = await line;
		if (answer instanceof Error) {
			this.close();
			return listInterfaces(); // Once the long-lived one fails, the one-shot says why.
		}
		return parseIpLinks(answer).map(link => ({...link, driver: this.#driver(link.name) ?? link.driver}));
	}

	close(): void {
		this.#ip?.stdin.end();
		this.#ip?.kill();
		this.#ip = undefined;
	}

	/** Device drivers do not change under a name: sysfs is asked once per name. */
	#driver(name: string): string | undefined {
		if (!this.#drivers.has(name)) {
			this.#drivers.set(name, deviceDriver(name));
		}
		return this.#drivers.get(name);
	}

	#start(): ChildProcessWithoutNullStreams {
		if (this.#ip) {
			return this.#ip;
		}
		const ip = spawn(programPath('ip'), ['-details', '-json', '-force', '-batch', '-'], {stdio: ['pipe', 'pipe', 'pipe']});
		ip.stdout.setEncoding('latin1'); // One character per byte: see parseIpLinks.
		ip.stdout.on('data', (chunk: string) => {
			this.#buffer += chunk;
			let newline;
			while ((newline = this.#buffer.indexOf('\n')) !== -1) {
				const line = this.#buffer.slice(0, newline);
				this.#buffer = this.#buffer.slice(newline + 1);
				this.#waiting.shift()?.(line);
			}
		});
		const fail = () => {
			this.#ip = undefined;
			for (const waiting of this.#waiting.splice(0)) {
				waiting(new Error('ip ended'));
			}
		};
		ip.on('error', fail);
		ip.on('exit', fail);
		ip.unref();
		this.#ip = ip;
		return ip;
	}
}
