/**
 * The monitor's long-lived ip, misbehaving (a stand-in ip in a private mount namespace, see
 * test/helpers/standin-ip.ts): a flood on stderr must not block it, and an ip that hangs or dies
 * is replaced and said so. Reads the interface list of the host's namespace; changes nothing.
 */
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {LineChild} from '../helpers/line-child.js';
import {type ListerReply} from '../helpers/lister-main.js';
import {StandInIp} from '../helpers/standin-ip.js';
import {alive, until} from '../helpers/wait.js';

const LISTER = fileURLToPath(new URL('../helpers/lister-main.ts', import.meta.url));

describe('the interface lister with a misbehaving ip', () => {
	let ip: StandInIp;
	let lister: LineChild;
	const list = async (timeoutMs = 3000) => {
		const reply = await lister.request<ListerReply>({op: 'list', timeoutMs}, timeoutMs * 3 + 5000);
		assert.ok(reply.ok, `list failed: ${reply.ok ? '' : reply.message}`);
		assert.ok(reply.names.includes('lo'), `lo is listed: ${reply.names.join(' ')}`);
		return reply;
	};
	/** The pid of the batch ip the lister runs now (the last one started). */
	const batchPid = () => Number(ip.events().findLast(event => event.startsWith('start '))?.split(' ')[1]);

	beforeEach(() => {
		ip = new StandInIp();
		lister = new LineChild(ip.wrap([process.execPath, '--import', 'tsx', LISTER]), ip.environment);
	});
	afterEach(async () => {
		await lister.stop();
		ip.remove();
	});

	test('stderr is read: 40 dumps under a flood of "Dump was interrupted" notes, one ip throughout', async () => {
		ip.flood(true);
		for (let round = 0; round < 40; round++) {
			const reply = await list();
			assert.deepEqual(reply.notices, [], `no restart (round ${round})`);
		}
		assert.equal(ip.count('start'), 1, 'one ip for all 40');
		assert.equal(ip.count('answer'), 40);
	});

	test('an ip that stops answering is killed and replaced within the same call, and said so', async () => {
		await list();
		const first = batchPid();
		ip.hangOnce();
		const started = Date.now();
		const reply = await list(1000);
		assert.ok(Date.now() - started < 5000, 'answered within the bound');
		assert.equal(ip.count('hang'), 1, 'the stand-in did hang');
		assert.equal(reply.notices.length, 1);
		assert.match(reply.notices[0]!, /^ip gave no answer in [\d.]+ s; started a new one$/);
		assert.equal(ip.count('start'), 2);
		await until(() => !alive(first), 'the hung ip to be gone');
		assert.deepEqual((await list()).notices, [], 'the new one stays');
	});

	test('an ip that dies is replaced and said so', async () => {
		await list();
		const first = batchPid();
		process.kill(first, 'SIGKILL');
		await until(() => !alive(first), 'the ip to die');
		const notices: string[] = [];
		// The death is noticed when its exit event comes: during or before this list.
		notices.push(...(await list()).notices);
		notices.push(...(await list()).notices);
		assert.equal(notices.length, 1, notices.join('\n'));
		assert.match(notices[0]!, /^ip ended \(SIGKILL\); started a new one$/);
		assert.equal(ip.count('start'), 2, 'a new batch ip');
		assert.notEqual(batchPid(), first);
	});
});
