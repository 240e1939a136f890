/**
 * The README's systemd unit: systemd-analyze verify accepts it (no systemd runs here to start it),
 * and xdptop run as an unprivileged user with exactly the unit's capabilities (setpriv) does
 * everything the exporter does; without CAP_SYS_ADMIN it says what it cannot see.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, test} from 'node:test';
import {fetchIn} from '../helpers/http.js';
import {VethLab} from '../helpers/netns.js';

const CLI = fileURLToPath(new URL('../../dist/xdptop.mjs', import.meta.url));
const FOREIGN_OBJECT = fileURLToPath(new URL('../../build/fixtures/xdp_foreign.bpf.o', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const PORT = 9435;
const NOBODY = '65534';

function unit(): string {
	const block = /<!-- systemd-unit[^>]*-->\n```ini\n([\s\S]*?)```\n<!-- \/systemd-unit -->/.exec(readFileSync(README, 'utf8'))?.[1];
	assert.ok(block, 'the README has the unit');
	return block;
}

/** The capabilities the unit gives, as setpriv names them: ['bpf', 'net_admin', ...]. */
function unitCapabilities(): string[] {
	const text = unit();
	const line = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim().split(/\s+/) ?? [];
	const ambient = line('AmbientCapabilities');
	assert.deepEqual(line('CapabilityBoundingSet'), ambient, 'the bounding set is what it is given');
	return ambient.map(name => name.replace(/^CAP_/, '').toLowerCase());
}

test('systemd-analyze verify accepts the unit, without a warning', () => {
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-unit-'));
	try {
		const file = join(scratch, 'xdptop.service');
		// The launcher make install writes is not on this machine: the built one stands in for it.
		const text = unit();
		assert.match(text, /^ExecStart=\/usr\/local\/bin\/xdptop --listen 127\.0\.0\.1:9435$/m);
		writeFileSync(file, text.replace('/usr/local/bin/xdptop', CLI));
		const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], {encoding: 'utf8', timeout: 30_000});
		assert.equal(result.status, 0, result.stderr);
		assert.equal(`${result.stdout}${result.stderr}`, '');
		// The check is real: a key systemd does not know is reported.
		writeFileSync(file, text.replace('[Service]\n', '[Service]\nNoSuchKey=1\n').replace('/usr/local/bin/xdptop', CLI));
		assert.match(spawnSync('systemd-analyze', ['verify', '--man=no', file], {encoding: 'utf8'}).stderr, /Unknown key 'NoSuchKey'/);
	} finally {
		rmSync(scratch, {recursive: true, force: true});
	}
});

describe("the unit's capabilities, as an unprivileged user", () => {
	let lab: VethLab;
	beforeEach(() => {
		lab = new VethLab();
		lab.ip('link', 'add', 'xfa', 'type', 'veth', 'peer', 'name', 'xfb');
		lab.ip('link', 'set', 'dev', 'xfa', 'xdpgeneric', 'obj', FOREIGN_OBJECT, 'sec', 'xdp');
	});
	afterEach(() => lab.remove());

	async function exporter(capabilities: readonly string[], args: readonly string[]) {
		const set = ['-all', ...capabilities.map(name => `+${name}`)].join(',');
		const child = spawn(
			'nsenter',
			[`--net=/run/netns/${lab.local}`, 'setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', `--inh-caps=${set}`, `--ambient-caps=${set}`, `--bounding-set=${set}`, process.execPath, CLI, '--listen', String(PORT), '-n', '0.2', ...args],
			{stdio: ['ignore', 'ignore', 'pipe']},
		);
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(child, 'exit') as Promise<[number | null]>;
		const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		void exited.finally(() => clearTimeout(killer));
		const deadline = Date.now() + 10_000;
		while (!stderr.includes('serving') && child.exitCode === null && Date.now() < deadline) {
			await sleep(20);
		}
		const stop = async () => {
			child.kill('SIGTERM');
			const [code] = await exited;
			return code;
		};
		return {stderr: () => stderr, stop};
	}

	test('with them: ours attached and counting, a foreign program named, exceptions counted; SIGTERM detaches', async () => {
		const capabilities = unitCapabilities();
		assert.deepEqual(capabilities, ['bpf', 'net_admin', 'sys_admin']);
		const {stderr, stop} = await exporter(capabilities, ['--attach', 'skb', '-i', lab.localIf]);
		assert.equal(stderr(), `xdptop: serving Prometheus metrics on http://127.0.0.1:${PORT}/metrics\n`);
		lab.send(500);
		await sleep(500);
		const text = fetchIn(lab.local, `http://127.0.0.1:${PORT}/metrics`).body;
		assert.match(text, new RegExp(`xdptop_xdp_packets_total\\{interface="${lab.localIf}",ifindex="\\d+",protocol="ipv4_udp"\\} 500\\n`));
		assert.match(text, new RegExp(`xdptop_xdp_attachment_info\\{interface="${lab.localIf}",[^}]*prog_name="xdptop_stats",[^}]*owner="xdptop"`));
		assert.match(text, /\nxdptop_xdp_exceptions_counted 1\n/);
		assert.equal(await stop(), 0, stderr());
		assert.equal(lab.ipLinkXdp(), undefined);
		const others = await exporter(capabilities, ['-i', 'xfa']);
		const foreign = fetchIn(lab.local, `http://127.0.0.1:${PORT}/metrics`).body;
		assert.match(foreign, /xdptop_xdp_attachment_info\{interface="xfa",[^}]*prog_name="foreign_pass",prog_tag="[0-9a-f]{16}",owner="foreign",attach_type="netlink"\} 1/);
		assert.equal(await others.stop(), 0, others.stderr());
	});

	test('without CAP_SYS_ADMIN: one line says what is missing; programs are not named', async () => {
		const capabilities = unitCapabilities().filter(name => name !== 'sys_admin');
		const {stderr, stop} = await exporter(capabilities, ['-i', 'xfa']);
		assert.match(stderr(), /^xdptop: without CAP_SYS_ADMIN no attached program can be read by id: names, tags and the counts of xdptop's own program are missing\n/);
		const text = fetchIn(lab.local, `http://127.0.0.1:${PORT}/metrics`).body;
		assert.match(text, /xdptop_xdp_attachment_info\{interface="xfa",[^}]*prog_name="",prog_tag="",owner="foreign"/);
		assert.equal(await stop(), 0, stderr());
	});
});
