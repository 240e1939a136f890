import assert from 'node:assert/strict';
import {test} from 'node:test';
import {decodeIfname} from '../../source/model/ifname.js';
import {parseIpLinks} from '../../source/net/interfaces.js';
import {missingFromMask, parseCapEff} from '../../source/net/privileges.js';

test('ip -json link: kinds as drivers, loopback named', () => {
	const json = JSON.stringify([
		{ifindex: 1, ifname: 'lo', operstate: 'UNKNOWN', mtu: 65536, address: '00:00:00:00:00:00', link_type: 'loopback'},
		{ifindex: 7, ifname: 'veth0', operstate: 'UP', mtu: 1500, address: '02:00:00:00:00:01', linkinfo: {info_kind: 'veth'}},
		{ifindex: 8, ifname: 'eth0', operstate: 'LOWERLAYERDOWN', mtu: 9000, address: 'aa:bb:cc:dd:ee:ff', link_type: 'ether'},
		{ifindex: 9, ifname: 'x1', xdp: {mode: 2, prog: {id: 40, name: 'foreign_pass', tag: 'ab'}, attached: [{mode: 2, prog: {id: 40, name: 'foreign_pass', tag: 'ab'}}]}},
		{ifindex: 10, ifname: 'x2', xdp: {mode: 4, attached: [{mode: 1, prog: {id: 41, name: 'a', tag: '01'}}, {mode: 3, prog: {id: 42, name: 'b', tag: '02'}}]}},
	]);
	assert.deepEqual(parseIpLinks(json), [
		{name: 'lo', ifindex: 1, state: 'unknown', mtu: 65536, mac: '00:00:00:00:00:00', driver: 'loopback', xdpPrograms: []},
		{name: 'veth0', ifindex: 7, state: 'up', mtu: 1500, mac: '02:00:00:00:00:01', driver: 'veth', xdpPrograms: []},
		{name: 'eth0', ifindex: 8, state: 'lowerlayerdown', mtu: 9000, mac: 'aa:bb:cc:dd:ee:ff', driver: '—', xdpPrograms: []},
		{name: 'x1', ifindex: 9, state: 'unknown', mtu: 0, mac: '', driver: '—', xdpPrograms: [{mode: 'skb', progId: 40, progName: 'foreign_pass', tag: 'ab'}]},
		{
			name: 'x2',
			ifindex: 10,
			state: 'unknown',
			mtu: 0,
			mac: '',
			driver: '—',
			xdpPrograms: [
				{mode: 'drv', progId: 41, progName: 'a', tag: '01'},
				{mode: 'hw', progId: 42, progName: 'b', tag: '02'},
			],
		},
	]);
});

test("ip's JSON with raw control bytes in a name still parses, to the exact name", () => {
	const json = '[{"ifindex":3,"ifname":"x\u001b[31m\u0007","operstate":"DOWN"}]\n';
	assert.throws(() => JSON.parse(json), SyntaxError, 'what ip prints is not JSON as it stands');
	assert.equal(parseIpLinks(json)[0]?.name, 'x\u001b[31m\u0007');
});

test('capabilities: root has all; CAP_SYS_ADMIN stands in for CAP_BPF', () => {
	assert.equal(parseCapEff('Name:\tnode\nCapEff:\t000001ffffffffff\n'), 0x1ffffffffffn);
	assert.deepEqual(missingFromMask(0x1ffffffffffn), []);
	assert.deepEqual(missingFromMask(0n), ['CAP_BPF', 'CAP_NET_ADMIN']);
	assert.deepEqual(missingFromMask(1n << 12n), ['CAP_BPF']);
	assert.deepEqual(missingFromMask((1n << 12n) | (1n << 21n)), []);
	assert.deepEqual(missingFromMask(1n << 39n), ['CAP_NET_ADMIN']);
});

test('ip -json link: the raw bytes of names, UTF-8 or not, come out distinct and exact', () => {
	const output = Buffer.concat([
		Buffer.from('[{"ifindex":5,"ifname":"w'),
		Buffer.from([0xff]),
		Buffer.from('","operstate":"DOWN"},{"ifindex":6,"ifname":"w'),
		Buffer.from([0xfe]),
		Buffer.from('","operstate":"DOWN"},{"ifindex":7,"ifname":"w\\\\xff"},{"ifindex":8,"ifname":"'),
		Buffer.from('veth-ünï\u001b'),
		Buffer.from('"}]\n'),
	]);
	const names = parseIpLinks(output).map(link => link.name);
	assert.deepEqual(names, [decodeIfname(Uint8Array.of(0x77, 0xff)), decodeIfname(Uint8Array.of(0x77, 0xfe)), 'w\\xff', 'veth-ünï\u001b']);
	assert.deepEqual(
		parseIpLinks(output.toString('latin1')).map(link => link.name),
		names,
		'as the monitor reads it: a latin1 string',
	);
});
