// The bundled program; source/launcher.mjs (dist/xdptop.mjs) checks the Node version, then loads it.
import process from 'node:process';
import meow from 'meow';
import {UsageError, resolveCommand, resolveNetns, type Command, type NetnsSelector, type RawFlags} from './options.js';
// Bundled in at build time: the version never depends on a file found at run time.
import manifest from '../package.json' with {type: 'json'};

export const helpText = `
	Usage
	  $ sudo xdptop [options]           Live monitor (full screen)
	  $ sudo xdptop list [options]      XDP status of every interface, then exit
	  $ sudo xdptop -A                  Live monitor of every network namespace
	  $ sudo xdptop list -A             XDP status in every network namespace
	  $ sudo xdptop --once [options]    Rates over one interval, then exit
	  $ sudo xdptop -b [options]        Rates every interval until stopped (top -b)
	  $ sudo xdptop --listen PORT       Prometheus metrics (no terminal needed)
	  $ sudo xdptop --cleanup           Detach what an earlier --keep left attached

	Options
	  -i, --interface IFACE  Only this interface (repeat for more): its name as
	                         xdptop shows it (w\\xff for a byte), or ifindex:N
	  -n, --interval SECS    Seconds between samples, 0.1 to 60 (default: 1)
	  -A, --all-namespaces   With list or the monitor: every network namespace
	                         of the host (a NETNS column; attach in any of them)
	  --netns NAME|PID       Run in that network namespace (a name as ip netns
	                         list shows it, or a process's); -i names interfaces there
	  --json                 JSON output, for list, --once and -b (a line a sample)
	  --once                 Sample twice, one interval apart, print rates and exit
	  -b, --batch            Print the rates of every interval until stopped
	  -c, --count N          With -b: stop after N samples
	  --listen [ADDR:]PORT   Serve the last sample as Prometheus metrics at
	                         http://ADDR:PORT/metrics (ADDR: 127.0.0.1 if left out);
	                         runs without a terminal, and with -b prints as well
	  --attach MODE          With --once, -b or --listen: attach xdptop's program
	                         (drv, skb or hw) while it runs, then detach it
	  --mode MODE            Mode the monitor attaches in: drv, skb or hw (default: drv)
	  --bpf-stats            With --once, -b or --listen: kernel BPF run-time stats
	                         (runs/s, ns per run, CPU of every attached program;
	                         every BPF program runs ~20 ns slower meanwhile)
	  --keep                 Leave xdptop's attachments in place on exit (pinned
	                         under /sys/fs/bpf/xdptop; the next xdptop re-adopts them)
	  --no-color             No colours (also when NO_COLOR is set)
	  --ascii                ASCII sparklines and borders
	  --demo                 Monitor a throwaway veth pair with generated traffic
	  -h, --help             Show this help
	  -v, --version          Show the version

	Exit status: 0 done, 1 failed (not root, the kernel refused, libbpf missing), 2 bad usage.

	Examples
	  $ sudo xdptop
	  $ sudo xdptop list --json
	  $ sudo xdptop --once -i eth0 --attach skb --interval 2
	  $ sudo xdptop -b --json -c 60 -i eth0
	  $ sudo xdptop --listen 9435
`;

const flagSpec = {
	interface: {type: 'string', shortFlag: 'i', isMultiple: true},
	interval: {type: 'string', shortFlag: 'n'},
	json: {type: 'boolean', default: false},
	once: {type: 'boolean', default: false},
	attach: {type: 'string'},
	mode: {type: 'string'},
	keep: {type: 'boolean', default: false},
	color: {type: 'boolean', default: true},
	ascii: {type: 'boolean', default: false},
	demo: {type: 'boolean', default: false},
	cleanup: {type: 'boolean', default: false},
	bpfStats: {type: 'boolean', default: false},
	batch: {type: 'boolean', shortFlag: 'b', default: false},
	count: {type: 'string', shortFlag: 'c'},
	listen: {type: 'string'},
	allNamespaces: {type: 'boolean', shortFlag: 'A', default: false},
	netns: {type: 'string'},
	help: {type: 'boolean', shortFlag: 'h', default: false},
	version: {type: 'boolean', shortFlag: 'v', default: false},
} as const;

const knownFlags = new Set<string>([
	...Object.keys(flagSpec),
	...Object.values(flagSpec).flatMap(spec => ('shortFlag' in spec ? [spec.shortFlag] : [])),
	'no-color',
	'noColor',
	'bpf-stats',
	'all-namespaces',
]);

const valueFlags = new Map(
	Object.entries(flagSpec)
		.filter(([, spec]) => spec.type === 'string')
		.flatMap(([name, spec]) => [[`--${name}`, name], ...('shortFlag' in spec ? [[`-${spec.shortFlag}`, name] as const] : [])] as Array<readonly [string, string]>),
);
const switchFlags = Object.entries(flagSpec)
	.filter(([, spec]) => spec.type === 'boolean')
	.map(([name]) => name);

/** What meow lets through silently: a switch given a value, a value flag given none. */
function checkShapes(argv: readonly string[]): void {
	argv.forEach((token, index) => {
		const name = /^--(?:no-)?([a-z-]+)=/.exec(token)?.[1];
		if (name && switchFlags.includes(name)) {
			throw new UsageError(`--${name} takes no value`);
		}
		const valueFlag = valueFlags.get(token);
		if (valueFlag && (index === argv.length - 1 || /^-[a-z-]/i.test(argv[index + 1]!))) {
			throw new UsageError(`--${valueFlag} needs a value`);
		}
	});
}

function parse(argv: readonly string[]): {command: Command; netns: NetnsSelector | undefined; showHelp: boolean; showVersion: boolean} {
	checkShapes(argv);
	let cli;
	try {
		cli = meow(helpText, {
			importMeta: import.meta,
			// Given, so that meow looks for no package.json on disk (the single executable has none).
			pkg: manifest,
			argv: [...argv],
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
			flags: flagSpec,
		});
	} catch (error) {
		// meow throws for a repeated single-value flag; say it in our words.
		throw new UsageError((error instanceof Error ? error.message : String(error)).replace(/^The flag /, '').replace(/\.$/, ''));
	}
	const unknown = Object.keys(cli.unnormalizedFlags).filter(name => !knownFlags.has(name));
	if (unknown.length > 0) {
		const name = unknown[0]!;
		throw new UsageError(`unknown option ${name.length === 1 ? '-' : '--'}${name}; see xdptop --help`);
	}
	for (const name of ['interval', 'attach', 'mode', 'count', 'listen', 'netns'] as const) {
		const value: unknown = cli.flags[name];
		if (value !== undefined && (typeof value !== 'string' || value === '')) {
			throw new UsageError(`--${name} needs a value`);
		}
	}
	const flags: RawFlags = {
		interface: (cli.flags.interface ?? []).map(String),
		interval: cli.flags.interval,
		json: cli.flags.json,
		once: cli.flags.once,
		attach: cli.flags.attach,
		mode: cli.flags.mode,
		keep: cli.flags.keep,
		color: cli.flags.color,
		ascii: cli.flags.ascii,
		demo: cli.flags.demo,
		cleanup: cli.flags.cleanup,
		bpfStats: cli.flags.bpfStats,
		batch: cli.flags.batch,
		count: cli.flags.count,
		listen: cli.flags.listen,
		allNamespaces: cli.flags.allNamespaces,
		netns: cli.flags.netns,
	};
	if (cli.flags.help || cli.flags.version) {
		return {command: {kind: 'list', json: false, allNamespaces: false, interfaces: []}, netns: undefined, showHelp: cli.flags.help, showVersion: cli.flags.version};
	}
	const command = resolveCommand(cli.input, flags);
	return {command, netns: resolveNetns(flags, command), showHelp: false, showVersion: false};
}

async function requirePrivileges(): Promise<void> {
	const {missingCapabilities} = await import('./net/privileges.js');
	const missing = missingCapabilities();
	if (missing.length > 0) {
		throw new PrivilegeError(`missing ${missing.join(" and ")}: run xdptop as root (sudo xdptop)`);
	}
}

class PrivilegeError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
	const {command, netns, showHelp, showVersion} = parse(argv);
	if (showHelp) {
		process.stdout.write(`${helpText.replace(/^\n/, '').replaceAll(/^\t/gm, '')}`);
		return;
	}
	if (showVersion) {
		process.stdout.write(`${manifest.version}\n`);
		return;
	}
	await requirePrivileges();
	// Every command below needs libbpf: say so at once, before anything else fails for it.
	const {libbpf} = await import('./bpf/libbpf.js');
	libbpf();
	const {fixMallocThresholds} = await import('./bpf/malloc.js');
	fixMallocThresholds();
	if (netns) {
		// Before anything opens a socket or starts ip: all of it then belongs to that namespace.
		const {enterNetns} = await import('./net/namespaces.js');
		enterNetns(netns);
	}
	switch (command.kind) {
		case 'list': {
			const {runList} = await import('./commands/list.js');
			await runList(command);
			return;
		}
		case 'once': {
			const {runOnce} = await import('./commands/once.js');
			await runOnce(command);
			return;
		}
		case 'stream': {
			const {runStream} = await import('./commands/stream.js');
			await runStream(command);
			return;
		}
		case 'cleanup': {
			const {runCleanup} = await import('./commands/cleanup.js');
			await runCleanup();
			return;
		}
		case 'monitor': {
			if (command.demo) {
				const {runDemo} = await import('./commands/demo.js');
				process.exitCode = await runDemo(command);
				return;
			}
			const {runMonitor} = await import('./commands/monitor.js');
			await runMonitor(command);
			return;
		}
	}
}

function report(error: unknown): number {
	const message = error instanceof Error ? error.message : String(error);
	process.stderr.write(`xdptop: ${message.split('\n')[0]}\n`);
	if (process.env['XDPTOP_DEBUG'] && error instanceof Error) {
		process.stderr.write(`${error.stack ?? ''}\n`);
		const details = (error as {details?: unknown}).details;
		if (Array.isArray(details)) {
			process.stderr.write(`${details.join('\n')}\n`);
		}
	}
	return error instanceof UsageError ? 2 : 1;
}

try {
	await main(process.argv.slice(2));
} catch (error) {
	const {runCleanups} = await import('./lifecycle.js');
	// Clean up first: it restores the terminal, so the error lands on the screen the user sees.
	const cleaned = runCleanups();
	const code = report(error);
	for (const line of cleaned) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
	process.exitCode = code;
}
