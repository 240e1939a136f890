/** Turns parsed command-line flags into one validated command. Pure: no I/O, no exit. */
import {isIPv4, isIPv6} from 'node:net';
import {escapeControl} from './model/escape.js';
import {NameSyntaxError, parseEscapedName, parseInterfaceSelector} from './model/ifname.js';
import {isXdpMode, type XdpMode} from './model/xdp.js';

/** Bad input on the command line: one line for the user, exit status 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

export interface RawFlags {
	readonly interface: readonly string[];
	readonly interval: string | undefined;
	readonly json: boolean;
	readonly once: boolean;
	readonly attach: string | undefined;
	readonly mode: string | undefined;
	readonly keep: boolean;
	readonly color: boolean;
	readonly ascii: boolean;
	readonly demo: boolean;
	readonly cleanup: boolean;
	readonly bpfStats: boolean;
	readonly batch: boolean;
	readonly count: string | undefined;
	readonly listen: string | undefined;
	readonly allNamespaces: boolean;
	readonly netns: string | undefined;
}

interface Common {
	/**
	 * -i values as given: a name in the escaped form xdptop shows (`w\xff`), or `ifindex:N`;
	 * checked here, matched with selectsInterface (model/ifname.ts).
	 */
	readonly interfaces: readonly string[];
}

export type Command =
	| (Common & {
			readonly kind: 'list';
			readonly json: boolean;
			/** -A: every network namespace of the host, grouped. */
			readonly allNamespaces: boolean;
	  })
	| (Common & {
			readonly kind: 'once';
			readonly json: boolean;
			readonly intervalSeconds: number;
			readonly attach: XdpMode | undefined;
			readonly keep: boolean;
			/** Turn on kernel BPF run-time stats for the interval: runs/s and ns per run of every program. */
			readonly bpfStats: boolean;
	  })
	| (Common & {
			readonly kind: 'monitor';
			readonly intervalSeconds: number;
			readonly mode: XdpMode;
			readonly keep: boolean;
			readonly color: boolean;
			readonly ascii: boolean;
			readonly demo: boolean;
			/** -A: every network namespace of the host in one table, with a NETNS column. */
			readonly allNamespaces: boolean;
	  })
	| (Common & {
			/** -b and/or --listen: samples every interval until stopped (or -c samples were printed). */
			readonly kind: 'stream';
			/** Print each sample (top's batch mode): as text, or one JSON object per line. */
			readonly batch: {readonly json: boolean; readonly count: number | undefined} | undefined;
			/** Serve the last sample as Prometheus metrics here. */
			readonly listen: ListenAddress | undefined;
			readonly intervalSeconds: number;
			readonly attach: XdpMode | undefined;
			readonly keep: boolean;
			readonly bpfStats: boolean;
	  })
	| {readonly kind: 'cleanup'};

/** Where --listen serves: an IP address of this host (loopback unless the user names another) and a port. */
export interface ListenAddress {
	readonly host: string;
	readonly port: number;
	/** As a URL names it: [::1]:9435, 127.0.0.1:9435. */
	readonly display: string;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';

export const INTERVAL_MIN = 0.1;
export const INTERVAL_MAX = 60;
export const DEFAULT_INTERVAL = 1;

export function parseInterval(text: string | undefined): number {
	if (text === undefined) {
		return DEFAULT_INTERVAL;
	}
	const value = /^\s*\d+(\.\d+)?\s*$|^\s*\.\d+\s*$/.test(text) ? Number(text) : Number.NaN;
	if (!(value >= INTERVAL_MIN && value <= INTERVAL_MAX)) {
		throw new UsageError(`--interval takes seconds from ${INTERVAL_MIN} to ${INTERVAL_MAX}, not '${text}'`);
	}
	return value;
}

function parseMode(flag: string, text: string): XdpMode {
	if (!isXdpMode(text)) {
		throw new UsageError(`${flag} takes drv, skb or hw, not '${text}'`);
	}
	return text;
}

/** `PORT`, `:PORT`, `ADDRESS:PORT` or `[IPV6]:PORT`; no address means loopback only. */
export function parseListen(text: string): ListenAddress {
	const match = /^(?:(?:\[([^\]]*)\]|([^:\[\]]*)):)?(\d{1,5})$/.exec(text);
	const port = Number(match?.[3]);
	const fail = (why: string) => new UsageError(`--listen takes [ADDRESS:]PORT (an IP address of this host, 127.0.0.1 when left out): ${why}`);
	if (!match || !(port >= 1 && port <= 65_535)) {
		throw fail(`'${escapeControl(text)}' has no port from 1 to 65535`);
	}
	const [, v6, v4] = match;
	if (v6 !== undefined) {
		if (!isIPv6(v6)) {
			throw fail(`'${escapeControl(v6)}' is not an IPv6 address`);
		}
		return {host: v6, port, display: `[${v6}]:${port}`};
	}
	const host = v4 === undefined || v4 === '' ? DEFAULT_LISTEN_HOST : v4 === 'localhost' ? DEFAULT_LISTEN_HOST : v4;
	if (!isIPv4(host)) {
		throw fail(`'${escapeControl(host)}' is not an IPv4 address (names are not looked up)`);
	}
	return {host, port, display: `${host}:${port}`};
}

/** --netns: a name under /run/netns (as `ip -n` takes it), or a PID (as `nsenter -t`). */
export type NetnsSelector = {readonly kind: 'name'; readonly name: string} | {readonly kind: 'pid'; readonly pid: number};

export function parseNetns(text: string): NetnsSelector {
	if (/^\d+$/.test(text)) {
		const pid = Number(text);
		if (!(pid >= 1 && pid <= 4_194_304)) {
			throw new UsageError(`--netns takes a namespace name or a PID, not '${text}'`);
		}
		return {kind: 'pid', pid};
	}
	// A name in the escaped form xdptop shows (\xNN for a byte that is not UTF-8), as -i takes it.
	let name: string;
	try {
		name = parseEscapedName(text);
	} catch (error) {
		throw new UsageError(`--netns takes a name as ip netns list shows it (\\xNN for a byte): ${error instanceof Error ? error.message : String(error)}`);
	}
	if (name === '' || name === '.' || name === '..' || name.includes('/') || name.length > 255) {
		throw new UsageError(`--netns takes a name under /run/netns (as ip netns list shows it) or a PID, not '${escapeControl(text)}'`);
	}
	return {kind: 'name', name};
}

/**
 * The namespace every command runs in (--netns), where it may: not with -A, which shows them all,
 * nor with --demo, which makes namespaces of its own. Pins name the namespace they were kept in
 * by its cookie, so --keep and --cleanup act in the namespace chosen.
 */
export function resolveNetns(flags: RawFlags, command: Command): NetnsSelector | undefined {
	if (flags.netns === undefined) {
		return undefined;
	}
	if (flags.allNamespaces) {
		throw new UsageError('--netns picks one namespace and -A shows them all: give one of them');
	}
	if (command.kind === 'monitor' && command.demo) {
		throw new UsageError('--netns does not go with --demo, which makes namespaces of its own');
	}
	return parseNetns(flags.netns);
}

/** -c: how many samples -b prints. */
export function parseCount(text: string): number {
	const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
	if (!(value >= 1 && value <= 2 ** 31)) {
		throw new UsageError(`--count takes a whole number of samples from 1, not '${text}'`);
	}
	return value;
}

/** How a flag is spelt on the command line, where that is not its key. */
const FLAG_NAMES: Partial<Record<keyof RawFlags, string>> = {color: 'no-color', bpfStats: 'bpf-stats', allNamespaces: 'all-namespaces'};

function refuse(flags: RawFlags, command: string, names: ReadonlyArray<keyof RawFlags>): void {
	for (const name of names) {
		const value = flags[name];
		const set = Array.isArray(value) ? value.length > 0 : name === 'color' ? value === false : Boolean(value);
		if (set) {
			throw new UsageError(`--${FLAG_NAMES[name] ?? name} does not apply to ${command}`);
		}
	}
}

export function resolveCommand(input: readonly string[], flags: RawFlags): Command {
	const [subcommand, ...extra] = input;
	if (extra.length > 0 || (subcommand !== undefined && subcommand !== 'list')) {
		throw new UsageError(`unknown command '${[subcommand, ...extra].join(' ')}'; see xdptop --help`);
	}
	const interfaces = flags.interface;
	for (const name of interfaces) {
		if (name.length === 0) {
			throw new UsageError('--interface needs an interface name');
		}
		try {
			parseInterfaceSelector(name);
		} catch (error) {
			if (error instanceof NameSyntaxError) {
				throw new UsageError(`--interface takes a name as xdptop list shows it, or ifindex:N: ${error.message}`);
			}
			throw error;
		}
	}
	if (flags.cleanup) {
		if (subcommand) {
			throw new UsageError('--cleanup does not go with list');
		}
		refuse(flags, '--cleanup', ['interface', 'interval', 'json', 'once', 'attach', 'mode', 'keep', 'demo', 'ascii', 'color', 'bpfStats', 'batch', 'count', 'listen', 'allNamespaces']);
		return {kind: 'cleanup'};
	}
	if (subcommand === 'list') {
		refuse(flags, 'list', ['interval', 'once', 'attach', 'mode', 'keep', 'demo', 'ascii', 'color', 'bpfStats', 'batch', 'count', 'listen']);
		return {kind: 'list', json: flags.json, allNamespaces: flags.allNamespaces, interfaces};
	}
	const intervalSeconds = parseInterval(flags.interval);
	if (flags.count !== undefined && !flags.batch) {
		throw new UsageError('--count goes with -b (--batch): -b -c N prints N samples');
	}
	if (flags.once || flags.batch || flags.listen !== undefined) {
		const what = flags.once ? '--once' : flags.batch ? '-b' : '--listen';
		refuse(flags, what, ['mode', 'demo', 'ascii', 'color', 'allNamespaces']);
		if (flags.once) {
			refuse(flags, '--once', ['batch', 'listen']);
		}
		if (flags.json && !flags.once && !flags.batch) {
			throw new UsageError('--json goes with list, --once or -b; --listen serves Prometheus metrics');
		}
		const attach = flags.attach === undefined ? undefined : parseMode('--attach', flags.attach);
		if (attach && interfaces.length === 0) {
			throw new UsageError('--attach needs the interfaces to attach to: -i IFACE');
		}
		if (flags.keep && !attach) {
			throw new UsageError('--keep goes with --attach');
		}
		const sampling = {intervalSeconds, attach, keep: flags.keep, bpfStats: flags.bpfStats, interfaces};
		if (flags.once) {
			return {kind: 'once', json: flags.json, ...sampling};
		}
		return {
			kind: 'stream',
			batch: flags.batch ? {json: flags.json, count: flags.count === undefined ? undefined : parseCount(flags.count)} : undefined,
			listen: flags.listen === undefined ? undefined : parseListen(flags.listen),
			...sampling,
		};
	}
	// The monitor has the S key for run-time stats, which says what they cost before it turns them on.
	refuse(flags, 'the monitor', ['json', 'attach', 'bpfStats']);
	if (flags.demo) {
		refuse(flags, '--demo', ['interface', 'keep', 'allNamespaces']);
	}
	return {
		kind: 'monitor',
		intervalSeconds,
		mode: flags.mode === undefined ? 'drv' : parseMode('--mode', flags.mode),
		keep: flags.keep,
		color: flags.color,
		ascii: flags.ascii,
		demo: flags.demo,
		allNamespaces: flags.allNamespaces,
		interfaces,
	};
}
