/**
 * Section 4: the cost of the monitor on the terminal, in a real pseudo-terminal (tmux, 120x40),
 * with 20 interfaces and some traffic, next to `top -d 1` and `bmon` on the same terminal.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {ETH_P_IP, ethernet, IPPROTO_UDP, ipv4, padded, trafgenConfig} from '../source/demo/frames.js';
import {deleteNamespaces} from '../source/demo/namespaces.js';
import {median, record} from './report.js';
import {launcherV8Flags} from '../test/helpers/launcher-flags.js';

const COLUMNS = 120;
const ROWS = 40;
const WINDOW_SECONDS = 30;
const WARMUP_SECONDS = 3;
const CLK_TCK = 100;
const PAIRS = 20;
const START_ROUNDS = 7;
const CLI = fileURLToPath(new URL('../dist/xdptop.mjs', import.meta.url));
const INK_FLOOR = fileURLToPath(new URL('../build/bench/ink-floor.mjs', import.meta.url));

interface Usage {
	readonly cpuPercent: number;
	readonly bytesPerSecond: number;
	readonly writesPerSecond: number;
	/** Of those, the writes to the terminal. */
	readonly terminalWritesPerSecond: number;
	readonly rssMb: number;
	readonly firstFrameMs: number;
}

function tmux(socket: string, args: readonly string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

/** utime + stime of the process, of its ended children, and of its live ones (the monitor's `ip`). */
export function cpuTicks(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	const own = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
	return own + children(pid).reduce((sum, child) => sum + cpuTicks(child), 0);
}

export function residentMb(pid: number): number {
	return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

function children(pid: number): number[] {
	try {
		return readdirSync(`/proc/${pid}/task`).flatMap(task =>
			readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
		);
	} catch {
		return [];
	}
}

/** write(2) calls per second, counted with strace over a few seconds: to the terminal, and in all. */
function writeCalls(pid: number, seconds: number): {terminal: number; all: number} {
	const ttys = new Set(
		readdirSync(`/proc/${pid}/fd`).filter(fd => {
			try {
				return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('/dev/pts/');
			} catch {
				return false;
			}
		}),
	);
	const trace = spawnSync('timeout', [String(seconds), 'strace', '-p', String(pid), '-f', '-e', 'trace=write,writev', '-e', 'signal=none', '-qq'], {encoding: 'utf8'});
	const calls = trace.stderr.split('\n').map(line => /\bwritev?\((\d+),/.exec(line)?.[1]).filter((fd): fd is string => fd !== undefined);
	return {terminal: calls.filter(fd => ttys.has(fd)).length / seconds, all: calls.length / seconds};
}

let starts = 0;

/** Time from Enter to `ready` on the screen of a fresh 120x40 tmux. */
async function firstFrame(command: readonly string[], ready: RegExp, namespace?: string): Promise<number> {
	starts++;
	const socket = `xdptop-bench-${process.pid}-start${starts}`;
	try {
		const {elapsedMs} = await startIn(socket, command, ready, namespace);
		return elapsedMs;
	} finally {
		killTmux(socket);
	}
}

function killTmux(socket: string): void {
	try {
		execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
	} catch {
		// Its last program ended, and the server with it.
	}
}

/** Starts `command` in a fresh tmux whose shell waits for Enter, so the clock starts with the program. */
async function startIn(socket: string, command: readonly string[], ready: RegExp, namespace?: string, output?: string): Promise<{pid: number; elapsedMs: number}> {
	const prefix = namespace ? ['nsenter', `--net=/run/netns/${namespace}`] : [];
	const quoted = [...prefix, ...command].map(part => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
	tmux(socket, ['new-session', '-d', '-x', String(COLUMNS), '-y', String(ROWS), 'sh', '-c', `read go; exec env -u CI LANG=C.UTF-8 TERM=screen ${quoted}`]);
	if (output) {
		tmux(socket, ['pipe-pane', '-o', `cat >> ${output}`]);
	}
	const pid = Number(tmux(socket, ['display-message', '-p', '#{pane_pid}']).trim());
	const start = performance.now();
	tmux(socket, ['send-keys', 'Enter']);
	while (!ready.test(tmux(socket, ['capture-pane', '-p']))) {
		if (performance.now() - start > 20_000) {
			throw new Error(`${command.join(' ')} never showed ${ready}`);
		}
		await sleep(2);
	}
	return {pid, elapsedMs: performance.now() - start};
}

/** Runs `command` in a fresh 120x40 tmux, waits for `ready` on screen, then measures a window. */
async function measure(name: string, command: readonly string[], ready: RegExp, namespace?: string): Promise<Usage> {
	const socket = `xdptop-bench-${process.pid}-${name}`;
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-bench-'));
	const output = join(scratch, 'pty.out');
	try {
		const {pid, elapsedMs: firstFrameMs} = await startIn(socket, command, ready, namespace, output);
		await sleep(WARMUP_SECONDS * 1000);
		const before = {cpu: cpuTicks(pid), bytes: statSync(output).size, at: performance.now()};
		await sleep(WINDOW_SECONDS * 1000);
		const after = {cpu: cpuTicks(pid), bytes: statSync(output).size, at: performance.now()};
		// Counted after the CPU window: strace slows what it watches.
		const writes = writeCalls(pid, 10);
		const seconds = (after.at - before.at) / 1000;
		const usage = {
			cpuPercent: ((after.cpu - before.cpu) / CLK_TCK / seconds) * 100,
			bytesPerSecond: (after.bytes - before.bytes) / seconds,
			writesPerSecond: writes.all,
			terminalWritesPerSecond: writes.terminal,
			rssMb: residentMb(pid),
			firstFrameMs,
		};
		tmux(socket, ['send-keys', 'q']);
		await sleep(500);
		return usage;
	} finally {
		killTmux(socket);
		rmSync(scratch, {recursive: true, force: true});
	}
}

function createLab(local: string, peer: string): void {
	execFileSync('ip', ['netns', 'add', local]);
	execFileSync('ip', ['netns', 'add', peer]);
	const lines: string[] = [];
	for (let index = 0; index < PAIRS; index++) {
		lines.push(`link add lan${index} type veth peer name wan${index} netns ${peer}`, `link set lan${index} up`);
	}
	execFileSync('ip', ['-n', local, '-batch', '-'], {input: `${lines.join('\n')}\n`});
	for (let index = 0; index < PAIRS; index++) {
		execFileSync('ip', ['-n', peer, 'link', 'set', `wan${index}`, 'up']);
	}
}

export async function measureTerminal(): Promise<void> {
	const [local, peer] = [`xdptop-bench-${process.pid}-ta`, `xdptop-bench-${process.pid}-tb`];
	createLab(local, peer);
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-bench-'));
	const traffic: number[] = [];
	try {
		// Bounded traffic on five of the pairs: 1,000 frames/s each, for the whole section at most.
		const config = join(scratch, 'udp.cfg');
		writeFileSync(config, trafgenConfig([padded(ethernet(ETH_P_IP, ipv4(IPPROTO_UDP, 18)))]));
		for (let index = 0; index < 5; index++) {
			const child = spawn('ip', ['netns', 'exec', peer, 'trafgen', '--dev', `wan${index}`, '--conf', config, '--gap', '1000us', '--num', String(3 * (WINDOW_SECONDS + 15) * 1000), '--cpus', '1', '-q'], {stdio: 'ignore', detached: true});
			traffic.push(child.pid!);
		}

		// The anchor starts the same way and shows one word: what starting Node alone costs here.
		// Side by side, a start of each per round, and the ratio taken within the round: the host's
		// speed shifts in steps, which would otherwise fall on one side only.
		const nodeStarts: number[] = [];
		const xdptopStarts: number[] = [];
		for (let round = 0; round < START_ROUNDS; round++) {
			nodeStarts.push(await firstFrame([process.execPath, '-e', "process.stdout.write('READY'); setTimeout(() => {}, 3000)"], /READY/));
			xdptopStarts.push(await firstFrame([CLI], /IFACE/, local));
		}
		const nodeStart = median(nodeStarts);
		const xdptopStart = median(xdptopStarts);
		const startRatio = median(xdptopStarts.map((start, round) => start / nodeStarts[round]!));
		const xdptop = await measure('xdptop', [CLI], /IFACE/, local);
		const top = await measure('top', ['top', '-d', '1'], /PID/);
		const bmon = await measure('bmon', ['bmon'], /lan\d/, local);
		const floor = await measure('ink-floor', [process.execPath, ...launcherV8Flags(), INK_FLOOR], /READY/);

		record({metric: 'terminal: top -d 1 bytes/s', value: top.bytesPerSecond, unit: 'B/s'});
		record({metric: 'terminal: bmon bytes/s', value: bmon.bytesPerSecond, unit: 'B/s'});
		record({metric: 'terminal: xdptop bytes/s', value: xdptop.bytesPerSecond, unit: 'B/s', vs: 'top', ratio: xdptop.bytesPerSecond / top.bytesPerSecond, target: "<= top's", met: xdptop.bytesPerSecond <= top.bytesPerSecond});
		record({metric: 'terminal: top write calls/s (to the tty)', value: top.terminalWritesPerSecond, unit: '/s'});
		record({metric: 'terminal: bmon write calls/s (to the tty)', value: bmon.terminalWritesPerSecond, unit: '/s'});
		record({metric: 'terminal: xdptop write calls/s (to the tty)', value: xdptop.terminalWritesPerSecond, unit: '/s', vs: 'top', ratio: xdptop.terminalWritesPerSecond / top.terminalWritesPerSecond});
		record({metric: 'terminal: xdptop write calls/s (all fds)', value: xdptop.writesPerSecond, unit: '/s'});
		record({metric: 'terminal: top CPU', value: top.cpuPercent, unit: '%'});
		record({metric: 'terminal: bmon CPU', value: bmon.cpuPercent, unit: '%'});
		record({metric: 'terminal: Ink floor CPU (one line a second)', value: floor.cpuPercent, unit: '%'});
		record({metric: 'terminal: xdptop CPU (1 s interval)', value: xdptop.cpuPercent, unit: '%', vs: 'top', ratio: xdptop.cpuPercent / top.cpuPercent, target: '<= 1.0 %', met: xdptop.cpuPercent <= 1.0});
		record({metric: 'terminal: top RSS', value: top.rssMb, unit: 'MB'});
		record({metric: 'terminal: bmon RSS', value: bmon.rssMb, unit: 'MB'});
		record({metric: 'terminal: Ink floor RSS (one line a second)', value: floor.rssMb, unit: 'MB'});
		record({metric: 'terminal: xdptop RSS', value: xdptop.rssMb, unit: 'MB', vs: 'top', ratio: xdptop.rssMb / top.rssMb, target: '<= 60 MB', met: xdptop.rssMb <= 60});
		record({metric: 'terminal: xdptop RSS above the Ink floor', value: xdptop.rssMb - floor.rssMb, unit: 'MB', vs: 'Ink floor', ratio: xdptop.rssMb / floor.rssMb});
		record({metric: 'start: node -e (print one word)', value: nodeStart, unit: 'ms'});
		record({metric: `start: xdptop first frame (median of ${START_ROUNDS})`, value: xdptopStart, unit: 'ms', vs: 'node -e', ratio: startRatio, target: '<= 3.5x node -e 0', met: startRatio <= 3.5});
		record({metric: 'start: top first frame', value: top.firstFrameMs, unit: 'ms'});
	} finally {
		for (const pid of traffic) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// Ended on its own (it is bounded).
			}
		}
		deleteNamespaces([local, peer]);
		rmSync(scratch, {recursive: true, force: true});
	}
}
