/** The host's network interfaces (in this process's network namespace). */
import {execFile, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {readlinkSync} from 'node:fs';
import {basename} from 'node:path';
import {performance} from 'node:perf_hooks';
import {promisify} from 'node:util';
import {ethtoolDriver} from '../bpf/ethtool.js';
import {LinkDump} from '../bpf/link-dump.js';
import {visitNetworkNamespace, type Visit} from '../bpf/netns.js';
import {escapeControl} from '../model/escape.js';
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
 * The interfaces of another network namespace, given an open fd on it: one netlink dump on a
 * socket made there (see NamespaceLister), so the namespace is the one the fd holds, whatever has
 * happened to the path it was found by, and no process is started.
 */
export async function listInterfacesIn(namespaceFd: number): Promise<NetInterface[]> {
	const lister = new NamespaceLister(fn => visitNetworkNamespace(namespaceFd, fn));
	try {
		return await lister.list();
	} finally {
		lister.close();
	}
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

/** One long-lived ip: its answers so far, who waits for the next ones, and what it last said. */
interface IpProcess {
	readonly child: ChildProcessWithoutNullStreams;
	buffer: string;
	readonly waiting: Array<(line: string | IpGone) => void>;
	/** Its last line on stderr (ip says why it quits there), bar the dump-interrupted notes. */
	lastWords: string;
	/** The start of a stderr line whose end has not come yet. */
	stderrTail: string;
	/** Killed, closed or exited: whatever it still sends is not an answer. */
	ended: boolean;
	/** It answered once: it works here, so losing it is news (a spawn failure is not). */
	answered: boolean;
}

/** The long-lived ip went away before it answered: it died, hung and was killed, or we closed it. */
class IpGone extends Error {
	constructor(
		message: string,
		readonly why: 'died' | 'hung' | 'closed',
	) {
		super(message);
	}
}

/** iproute2 writes this to stderr when the interface list changed during a dump. */
const DUMP_INTERRUPTED = 'Dump was interrupted';
/** A slow host is not a hung ip: an answer may take this many times the slowest one seen. */
const SLOWEST_FACTOR = 4;

export interface ListerOptions {
	/** Said once per restart: why ip had to be started again (for the status line). */
	readonly onRestart?: (reason: string) => void;
}

/**
 * A device's driver does not change while it exists: asked once per device (ifindex and name,
 * since either alone may be reused by another device), and forgotten with the device.
 */
export class DriverCache {
	readonly #drivers = new Map<string, string | undefined>();
	readonly #lookup: (name: string) => string | undefined;

	constructor(lookup: (name: string) => string | undefined) {
		this.#lookup = lookup;
	}

	/** The links, with the driver where the lookup finds one (else their link kind). */
	withDrivers(links: readonly NetInterface[]): NetInterface[] {
		if (this.#drivers.size > links.length) {
			const present = new Set(links.map(link => `${link.ifindex} ${link.name}`));
			for (const key of this.#drivers.keys()) {
				if (!present.has(key)) {
					this.#drivers.delete(key);
				}
			}
		}
		return links.map(link => {
			const key = `${link.ifindex} ${link.name}`;
			if (!this.#drivers.has(key)) {
				this.#drivers.set(key, this.#lookup(link.name));
			}
			return {...link, driver: this.#drivers.get(key) ?? link.driver};
		});
	}
}

/**
 * The interfaces of another network namespace, for the monitor's -A: one netlink dump a tick on a
 * socket made there (no process there to start or keep), drivers from the ethtool ioctl made
 * there (sysfs is this namespace's).
 */
export class NamespaceLister {
	readonly #within: Visit;
	#dump: LinkDump | undefined;
	readonly #drivers: DriverCache;

	constructor(within: Visit) {
		this.#within = within;
		this.#drivers = new DriverCache(name => within(() => ethtoolDriver(ifnameBytes(name))?.driver));
	}

	async list(): Promise<NetInterface[]> {
		this.#dump ??= this.#within(() => LinkDump.open());
		return this.#drivers.withDrivers(this.#dump.read());
	}

	close(): void {
		this.#dump?.close();
		this.#dump = undefined;
	}
}

/**
 * For the monitor, which lists interfaces every tick: one `ip -batch` process that stays, asked
 * "link show" each time, costs a netlink dump instead of a process start. It ends with its
 * stdin, so it goes when xdptop goes, however xdptop ends.
 *
 * Its stderr is read all the time: under interface churn ip writes "Dump was interrupted and may
 * be inconsistent." there on every dump, and an unread pipe fills until ip blocks, and with it
 * the monitor. An ip that dies is started again; one that gives no answer in time is killed and
 * started again; either is reported through onRestart.
 */
export class InterfaceLister {
	#ip: IpProcess | undefined;
	readonly #drivers = new DriverCache(deviceDriver);
	#slowestMs = 0;
	/** The last answer and its links: ip's answer is the same tick after tick until a link changes, so it is parsed only when it differs. */
	#lastAnswer: string | undefined;
	#lastLinks: readonly NetInterface[] = [];
	readonly #onRestart: ((reason: string) => void) | undefined;

	constructor(options: ListerOptions = {}) {
		this.#onRestart = options.onRestart;
	}

	/**
	 * The interfaces, from the long-lived ip. One that hangs past `timeoutMs` (or past a few times
	 * its slowest answer, when that is longer) is replaced once within the call; one that died
	 * gives way to a one-shot ip this time, which also says why ip fails if it keeps failing.
	 */
	async list(timeoutMs = 5000): Promise<NetInterface[]> {
		let answer = await this.#ask(timeoutMs);
		if (answer instanceof IpGone && answer.why === 'hung') {
			answer = await this.#ask(timeoutMs); // Hung and killed: a new one answers this tick.
		}
		if (answer instanceof IpGone) {
			if (answer.why !== 'died') {
				throw answer; // Closed, or hung twice: the next tick tries again; the screen says it is stale.
			}
			return listInterfaces(); // Once the long-lived one fails, the one-shot says why.
		}
		if (answer !== this.#lastAnswer) {
			this.#lastLinks = parseIpLinks(answer);
			this.#lastAnswer = answer;
		}
		return this.#drivers.withDrivers(this.#lastLinks);
	}

	close(): void {
		const ip = this.#ip;
		this.#ip = undefined;
		if (ip) {
			ip.ended = true;
			ip.child.stdin.end();
			ip.child.kill();
			for (const waiting of ip.waiting.splice(0)) {
				waiting(new IpGone('the interface list was closed', 'closed'));
			}
		}
	}

	async #ask(timeoutMs: number): Promise<string | IpGone> {
		const ip = this.#start();
		const limitMs = Math.max(timeoutMs, SLOWEST_FACTOR * this.#slowestMs);
		const startedMs = performance.now();
		const answer = await new Promise<string | IpGone>(resolve => {
			const timer = setTimeout(() => this.#end(ip, `ip gave no answer in ${(limitMs / 1000).toFixed(1)} s`, 'hung'), limitMs);
			ip.waiting.push(line => {
				clearTimeout(timer);
				resolve(line);
			});
			ip.child.stdin.write('link show\n');
		});
		if (typeof answer === 'string') {
			ip.answered = true;
			this.#slowestMs = Math.max(this.#slowestMs, performance.now() - startedMs);
		}
		return answer;
	}

	/** Ends `ip` (killing it if it hangs), fails whoever waits on it, and says so. */
	#end(ip: IpProcess, reason: string, why: 'died' | 'hung'): void {
		if (ip.ended) {
			return;
		}
		ip.ended = true;
		if (this.#ip === ip) {
			this.#ip = undefined;
		}
		if (why === 'hung') {
			ip.child.kill('SIGKILL'); // A blocked or stopped process does not act on SIGTERM.
		}
		for (const waiting of ip.waiting.splice(0)) {
			waiting(new IpGone(reason, why));
		}
		if (ip.answered || why === 'hung') {
			const said = ip.lastWords ? ` (it said: ${ip.lastWords})` : '';
			this.#onRestart?.(`${reason}${said}; started a new one`);
		}
	}

	#start(): IpProcess {
		if (this.#ip) {
			return this.#ip;
		}
		const child = spawn(programPath('ip'), ['-details', '-json', '-force', '-batch', '-'], {stdio: ['pipe', 'pipe', 'pipe']});
		const ip: IpProcess = {child, buffer: '', waiting: [], lastWords: '', stderrTail: '', ended: false, answered: false};
		child.stdout.setEncoding('latin1'); // One character per byte: see parseIpLinks.
		child.stdout.on('data', (chunk: string) => {
			ip.buffer += chunk;
			let newline;
			while ((newline = ip.buffer.indexOf('\n')) !== -1) {
				const line = ip.buffer.slice(0, newline);
				ip.buffer = ip.buffer.slice(newline + 1);
				if (!ip.ended) {
					ip.waiting.shift()?.(line);
				}
			}
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			const lines = (ip.stderrTail + chunk).split('\n');
			ip.stderrTail = lines.pop()!.slice(0, 1000);
			const said = lines.map(line => line.trim()).findLast(line => line && !line.startsWith(DUMP_INTERRUPTED));
			if (said) {
				ip.lastWords = escapeControl(said.slice(0, 200)); // It may quote a name: no raw control bytes to the terminal.
			}
		});
		// Writing to an ip that just died fails with EPIPE; its exit tells the story.
		child.stdin.on('error', () => undefined);
		child.on('error', error => this.#end(ip, `ip failed: ${error.message}`, 'died'));
		child.on('exit', (code, signal) => this.#end(ip, `ip ended (${signal ?? `exit ${code ?? '?'}`})`, 'died'));
		child.unref();
		this.#ip = ip;
		return ip;
	}
}
