/**
 * The monitor in a terminal (tmux, real kernel, a veth lab of the test's own) when its `ip`
 * misbehaves: a stand-in ip (test/helpers/standin-ip.ts) in a private mount namespace floods
 * stderr as iproute2 does under interface churn, then hangs, or is killed. The monitor must keep
 * sampling, and when a sample is late say so (header "stale N s", rates "…"), then restart ip
 * and say that in the status line.
 */
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {VethLab} from '../helpers/netns.js';
import {StandInIp} from '../helpers/standin-ip.js';
import {TmuxTerminal} from '../helpers/tmux.js';
import {until as untilWithin} from '../helpers/wait.js';

/** ip answers every 0.2 s here; a restart takes up to 3 s more. */
const until = (check: () => boolean, what: string | (() => string)) => untilWithin(check, what, 15_000);

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));

describe('the monitor when ip misbehaves', () => {
	let lab: VethLab;
	let ip: StandInIp;
	let terminal: TmuxTerminal;

	beforeEach(() => {
		lab = new VethLab();
		ip = new StandInIp();
		const monitor = ['nsenter', `--net=/run/netns/${lab.local}`, process.execPath, CLI, '--interval', '0.2', '-i', lab.localIf];
		terminal = new TmuxTerminal(ip.wrap(monitor), {columns: 120, rows: 30}, {LANG: 'C.UTF-8', ...ip.environment});
	});
	afterEach(() => {
		terminal.close();
		lab.remove();
		ip.remove();
	});

	const header = () => terminal.screen().split('\n')[0] ?? '';
	/** The lab's row with these five rates (RX pps, RX bit/s, XDROP/s, ERR/s, DROP/s); no traffic, so no history. */
	const rates = (shown: string) => new RegExp(`^> ${lab.localIf} +up +veth +— +${shown} +${shown} +${shown} +${shown} +${shown}\\s*$`, 'm');
	const row = () => terminal.screen().split('\n').find(line => line.startsWith(`> ${lab.localIf}`)) ?? '';
	/** The batch ip running now: the last one the stand-in started. */
	const batchPid = () => Number(ip.events().findLast(event => event.startsWith('start '))?.split(' ')[1]);

	test('stderr flooded: sampling goes on; then ip hangs: stale shown, ip restarted and said so, live again', async () => {
		await terminal.waitFor(rates('0'));
		// Interface churn starts: far more than a pipe holds, 30 dumps with 256 KiB of notes each.
		ip.flood(true);
		const before = ip.count('answer');
		await until(() => ip.count('answer') >= before + 30, () => `30 more answers (got ${ip.count('answer') - before}); screen:\n${terminal.screen()}`);
		// The real sign that sampling went on: the same ip answered all of them (a blocked one would be replaced).
		assert.equal(ip.count('start'), 1, 'the same ip all along');

		ip.hangOnce();
		await terminal.waitFor(/^xdptop .*stale \d+ s/, 5000);
		assert.match(row(), rates('…'), 'rates are not shown as live');
		await terminal.waitFor(/error: ip gave no answer in [\d.]+ s; started a new one/, 10_000);
		await terminal.waitFor(rates('0'));
		assert.doesNotMatch(header(), /stale/);
		assert.equal(ip.count('hang'), 1);
		assert.equal(ip.count('start'), 2);
		const answers = ip.count('answer');
		await until(() => ip.count('answer') >= answers + 10, 'the new ip to keep answering');

		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	});

	test('ip killed: restarted and said so in the status line; sampling goes on', async () => {
		await terminal.waitFor(new RegExp(`> ${lab.localIf} +up`));
		await until(() => ip.count('answer') >= 3, 'a few answers');
		const first = batchPid();
		process.kill(first, 'SIGKILL');
		await terminal.waitFor(/error: ip ended \(SIGKILL\); started a new one/);
		await until(() => ip.count('start') === 2, 'a new batch ip');
		const answers = ip.count('answer');
		await until(() => ip.count('answer') >= answers + 5, 'the new ip to answer');
		assert.doesNotMatch(header(), /stale/);
		assert.match(row(), rates('0'));

		terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	});
});
