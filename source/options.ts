/** Turns parsed command-line flags into one validated command. Pure: no I/O, no exit. */
import {NameSyntaxError, parseInterfaceSelector} from './model/ifname.js';
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
}

interface Common {
	/**
	 * -i values as given: a name in the escaped form xdptop shows (`w\xff`), or `ifindex:N`;
	 * checked here, matched with selectsInterface (model/ifname.ts).
	 */
	readonly interfaces: readonly string[];
}

export type Command =
	| (Common & {readonly kind: 'list'; readonly json: boolean})
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
	  })
	| {readonly kind: 'cleanup'};

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

/** How a flag is spelt on the command line, where that is not its key. */
const FLAG_NAMES: Partial<Record<keyof RawFlags, string>> = {color: 'no-color', bpfStats: 'bpf-stats'};

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
		refuse(flags, '--cleanup', ['interface', 'interval', 'json', 'once', 'attach', 'mode', 'keep', 'demo', 'ascii', 'color', 'bpfStats']);
		return {kind: 'cleanup'};
	}
	if (subcommand === 'list') {
		refuse(flags, 'list', ['interval', 'once', 'attach', 'mode', 'keep', 'demo', 'ascii', 'color', 'bpfStats']);
		return {kind: 'list', json: flags.json, interfaces};
	}
	const intervalSeconds = parseInterval(flags.interval);
	if (flags.once) {
		refuse(flags, '--once', ['mode', 'demo', 'ascii', 'color']);
		const attach = flags.attach === undefined ? undefined : parseMode('--attach', flags.attach);
		if (attach && interfaces.length === 0) {
			throw new UsageError('--attach needs the interfaces to attach to: -i IFACE');
		}
		if (flags.keep && !attach) {
			throw new UsageError('--keep goes with --attach');
		}
		return {kind: 'once', json: flags.json, intervalSeconds, attach, keep: flags.keep, bpfStats: flags.bpfStats, interfaces};
	}
	// The monitor has the S key for run-time stats, which says what they cost before it turns them on.
	refuse(flags, 'the monitor', ['json', 'attach', 'bpfStats']);
	if (flags.demo) {
		refuse(flags, '--demo', ['interface', 'keep']);
	}
	return {
		kind: 'monitor',
		intervalSeconds,
		mode: flags.mode === undefined ? 'drv' : parseMode('--mode', flags.mode),
		keep: flags.keep,
		color: flags.color,
		ascii: flags.ascii,
		demo: flags.demo,
		interfaces,
	};
}
