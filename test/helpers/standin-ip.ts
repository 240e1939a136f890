/**
 * A stand-in for `ip`, for tests of what xdptop does when ip misbehaves in ways this kernel
 * cannot be made to: it is bind-mounted over /usr/bin/ip (/usr/sbin/ip links there) inside a
 * private mount namespace (`unshare -m`) that only the program under test runs in, so nothing
 * else on the host sees it. It runs a copy of the real ip and passes everything through, except
 * what files in its control directory ask for, checked on every batch command:
 *
 * - `flood`: before each answer, write 256 KiB of iproute2's "Dump was interrupted" note to
 *   stderr, blocking when the pipe is full, as ip itself does;
 * - `hang` (taken by the first batch process that sees it): stop answering, for good;
 * - `omit` (an interface name; taken when used): leave that interface out of one dump, as an
 *   interrupted dump could before Linux 6.7;
 * - `hold` (taken when used): keep the next answer, as the kernel gave it, until `release`
 *   appears: a dump that is older than what happened while it was on its way;
 * - `fail` (kept until removed): every ip started, batch or not, and every batch ip at its next
 *   command, says it failed and exits 1.
 *
 * It appends what it does to `events`: `start PID`, `answer`, `hang PID`, `omit NAME`, `held`,
 * `fail PID`.
 */
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const REAL_IP = '/usr/bin/ip';

/** CommonJS: under /usr/bin/ip it has no extension or package.json to say it is a module. */
const SCRIPT = String.raw`
'use strict';
const {spawn, spawnSync} = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.XDPTOP_STANDIN_DIR;
const control = name => path.join(dir, name);
const note = line => fs.appendFileSync(control('events'), line + '\n');
const take = name => {
	try {
		const text = fs.readFileSync(control(name), 'latin1');
		fs.unlinkSync(control(name));
		return text.trim() || true;
	} catch {
		return undefined;
	}
};
const args = process.argv.slice(2);
function failIfAsked() {
	if (fs.existsSync(control('fail'))) {
		note('fail ' + process.pid);
		process.stderr.write('ip-standin: failing, as the test asked\n');
		process.exit(1);
	}
}
failIfAsked();
if (!args.includes('-batch')) {
	process.exit(spawnSync(control('ip-real'), args, {stdio: 'inherit'}).status ?? 1);
}

/** A write that waits while the pipe is full, like ip's own (the fd may be non-blocking). */
function blockingWrite(fd, buffer) {
	let offset = 0;
	while (offset < buffer.length) {
		try {
			offset += fs.writeSync(fd, buffer, offset);
		} catch (error) {
			if (error.code !== 'EAGAIN') {
				throw error;
			}
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
		}
	}
}

const FLOOD = Buffer.from('Dump was interrupted and may be inconsistent.\n'.repeat(5700));
note('start ' + process.pid);
const ip = spawn(control('ip-real'), args, {stdio: ['pipe', 'pipe', 'inherit']});
ip.on('exit', code => process.exit(code ?? 1));
let hung = false;
/** Calls handle with each whole line of a stream (bytes kept as latin1), without its newline. */
function eachLine(stream, handle) {
	let pending = '';
	stream.setEncoding('latin1');
	stream.on('data', chunk => {
		pending += chunk;
		let newline;
		while ((newline = pending.indexOf('\n')) !== -1) {
			handle(pending.slice(0, newline));
			pending = pending.slice(newline + 1);
		}
	});
}
eachLine(process.stdin, command => {
	failIfAsked();
	if (!hung && take('hang')) {
		hung = true;
		note('hang ' + process.pid);
	}
	if (!hung) {
		ip.stdin.write(command + '\n', 'latin1');
	}
});
process.stdin.on('end', () => ip.stdin.end());
eachLine(ip.stdout, answer);

let held;
function answer(line) {
	if (held) {
		held.push(line);
		return;
	}
	if (take('hold')) {
		held = [line];
		note('held');
		const poll = setInterval(() => {
			if (take('release')) {
				clearInterval(poll);
				const lines = held;
				held = undefined;
				lines.forEach(deliver);
			}
		}, 10);
		return;
	}
	deliver(line);
}

function deliver(line) {
	if (fs.existsSync(control('flood'))) {
		blockingWrite(2, FLOOD);
	}
	if (fs.existsSync(control('omit'))) {
		const name = fs.readFileSync(control('omit'), 'latin1').trim();
		try {
			const links = JSON.parse(line);
			const kept = links.filter(link => link.ifname !== name);
			if (kept.length < links.length && take('omit')) {
				line = JSON.stringify(kept);
				note('omit ' + name);
			}
		} catch {
			// Not JSON this stand-in can read: passed on as it is.
		}
	}
	blockingWrite(1, Buffer.from(line + '\n', 'latin1'));
	note('answer');
}
`;

export class StandInIp {
	/** The control directory (see above). */
	readonly dir = mkdtempSync(join(tmpdir(), 'xdptop-standin-'));
	readonly #script = join(this.dir, 'ip-standin');

	constructor() {
		copyFileSync(REAL_IP, join(this.dir, 'ip-real'));
		chmodSync(join(this.dir, 'ip-real'), 0o755);
		writeFileSync(this.#script, `#!${process.execPath}\n${SCRIPT}`, {mode: 0o755});
		writeFileSync(join(this.dir, 'events'), '');
	}

	/** What the program under test needs in its environment for the stand-in to find its directory. */
	get environment(): Record<string, string> {
		return {XDPTOP_STANDIN_DIR: this.dir};
	}

	/** argv running `command` in a private mount namespace where /usr/bin/ip is the stand-in. */
	wrap(command: readonly string[]): string[] {
		return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /usr/bin/ip && exec "$@"', this.#script, ...command];
	}

	flood(on: boolean): void {
		if (on) {
			writeFileSync(join(this.dir, 'flood'), '');
		} else {
			rmSync(join(this.dir, 'flood'), {force: true});
		}
	}

	/** The next batch command makes its ip stop answering for good. */
	hangOnce(): void {
		writeFileSync(join(this.dir, 'hang'), '');
	}

	/** The next dump that has `ifname` leaves it out. */
	omitOnce(ifname: string): void {
		writeFileSync(join(this.dir, 'omit'), ifname);
	}

	/** Every ip started from now on fails at once, until failing(false). */
	failing(on: boolean): void {
		if (on) {
			writeFileSync(join(this.dir, 'fail'), '');
		} else {
			rmSync(join(this.dir, 'fail'), {force: true});
		}
	}

	/** Keeps the next answer back until release(). */
	holdOnce(): void {
		writeFileSync(join(this.dir, 'hold'), '');
	}

	release(): void {
		writeFileSync(join(this.dir, 'release'), '');
	}

	pending(control: 'hang' | 'omit'): boolean {
		return existsSync(join(this.dir, control));
	}

	events(): string[] {
		return readFileSync(join(this.dir, 'events'), 'utf8').split('\n').filter(Boolean);
	}

	count(kind: 'start' | 'answer' | 'hang' | 'omit' | 'held' | 'fail'): number {
		return this.events().filter(event => event.split(' ')[0] === kind).length;
	}

	remove(): void {
		rmSync(this.dir, {recursive: true, force: true});
	}
}

/** Child pids of `pid` (pgrep -P), none when it has none. */
export function childPids(pid: number): number[] {
	try {
		return execFileSync('pgrep', ['-P', String(pid)], {encoding: 'utf8'}).trim().split('\n').filter(Boolean).map(Number);
	} catch {
		return [];
	}
}
