/**
 * The XDP program in the real kernel, through our own bindings: BPF_PROG_TEST_RUN on crafted
 * frames, `repeat` times each, then exact packet and byte counts per action and per class.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {PROTO_CLASSES, XDP_ACTIONS} from '../../source/bpf/abi.js';
import {CounterTable, cpuRowsPerSlot} from '../../source/bpf/maps.js';
import {StatsObject} from '../../source/bpf/object.js';
import {testRun} from '../../source/bpf/test-run.js';
import {totalOf, type XdpCounters} from '../../source/model/counters.js';
import * as f from '../../source/demo/frames.js';

const REPEAT = 1000;
const XDP_PASS = XDP_ACTIONS.indexOf('PASS');

type ClassKey = (typeof PROTO_CLASSES)[number]['key'];
const classIndex = (key: ClassKey) => PROTO_CLASSES.findIndex(entry => entry.key === key);

/** An untagged IPv4 frame with another first byte (version and IHL) in its header. */
function withVersionAndIhl(frame: Buffer, versionAndIhl: number): Buffer {
	frame[14] = versionAndIhl;
	return frame;
}

const cases: Array<{name: string; frame: Buffer; expected: ClassKey}> = [
	{name: 'IPv4 TCP', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_TCP)), expected: 'PROTO_IPV4_TCP'},
	{name: 'IPv4 UDP', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP)), expected: 'PROTO_IPV4_UDP'},
	{name: 'IPv4 ICMP', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_ICMP)), expected: 'PROTO_IPV4_ICMP'},
	{name: 'IPv4 GRE is other', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_GRE)), expected: 'PROTO_IPV4_OTHER'},
	{name: 'IPv4 with options (IHL 15)', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 8, 15)), expected: 'PROTO_IPV4_UDP'},
	{name: 'IPv4 with one option word (IHL 6)', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_TCP, 8, 6)), expected: 'PROTO_IPV4_TCP'},
	{name: 'IPv4 header and nothing after it (34 bytes)', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 0)), expected: 'PROTO_IPV4_UDP'},
	{
		// The version nibble is not checked: such a header counts by its protocol, as it always has.
		name: 'IPv4 EtherType with version 6 in the header',
		frame: withVersionAndIhl(f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_ICMP)), 0x65),
		expected: 'PROTO_IPV4_ICMP',
	},
	{name: 'IPv6 TCP', frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_TCP)), expected: 'PROTO_IPV6_TCP'},
	{name: 'IPv6 UDP', frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_UDP)), expected: 'PROTO_IPV6_UDP'},
	{name: 'IPv6 ICMPv6', frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_ICMPV6)), expected: 'PROTO_IPV6_ICMP'},
	{name: 'IPv6 hop-by-hop header is other', frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(0)), expected: 'PROTO_IPV6_OTHER'},
	{name: 'ARP', frame: f.padded(f.ethernet(f.ETH_P_ARP, f.arp())), expected: 'PROTO_ARP'},
	{name: 'LLDP is other L2', frame: f.padded(f.ethernet(0x88cc, Buffer.alloc(30))), expected: 'PROTO_OTHER_L2'},
	{name: '802.1Q IPv4 UDP', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP), [f.ETH_P_8021Q]), expected: 'PROTO_IPV4_UDP'},
	{
		name: 'QinQ (802.1ad + 802.1Q) IPv6 TCP',
		frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_TCP), [f.ETH_P_8021AD, f.ETH_P_8021Q]),
		expected: 'PROTO_IPV6_TCP',
	},
	{
		name: 'three VLAN tags is other L2',
		frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP), [f.ETH_P_8021AD, f.ETH_P_8021Q, f.ETH_P_8021Q]),
		expected: 'PROTO_OTHER_L2',
	},
	{name: 'truncated IPv4 header', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 0).subarray(0, 12)), expected: 'PROTO_MALFORMED'},
	{name: 'IPv4 header one byte short', frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 0).subarray(0, 19)), expected: 'PROTO_MALFORMED'},
	{
		name: 'IPv4 IHL past the end of the frame',
		frame: f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP, 0, 15).subarray(0, 40)),
		expected: 'PROTO_MALFORMED',
	},
	{
		name: 'IPv4 IHL below 5',
		frame: withVersionAndIhl(f.ethernet(f.ETH_P_IP, f.ipv4(f.IPPROTO_UDP)), 0x44),
		expected: 'PROTO_MALFORMED',
	},
	{name: 'truncated IPv6 header', frame: f.ethernet(f.ETH_P_IPV6, f.ipv6(f.IPPROTO_UDP, 0).subarray(0, 39)), expected: 'PROTO_MALFORMED'},
	{name: 'truncated VLAN tag', frame: f.ethernet(f.ETH_P_8021Q, Buffer.alloc(2)), expected: 'PROTO_MALFORMED'},
	{name: 'Ethernet header and nothing more', frame: f.ethernet(f.ETH_P_IP, Buffer.alloc(0)), expected: 'PROTO_MALFORMED'},
];

describe('xdptop_stats under BPF_PROG_TEST_RUN', () => {
	let object: StatsObject;
	let table: CounterTable | undefined;
	let reader: {read(): XdpCounters};
	let previous: XdpCounters;

	before(() => {
		object = StatsObject.load();
		table = CounterTable.mapped(object.countersMapFd, cpuRowsPerSlot());
		reader = {read: () => table!.read(0)};
		previous = reader.read();
	});
	after(() => {
		table?.close();
		object?.close();
	});

	for (const {name, frame, expected} of cases) {
		test(`${name} counts as ${expected}`, () => {
			const result = testRun(object.progFd, frame, REPEAT);
			assert.equal(result.retval, XDP_PASS, 'the program passes every frame');
			const current = reader.read();
			const bytes = BigInt(frame.length * REPEAT);
			current.protos!.forEach((record, index) => {
				const delta = {
					packets: record.packets - previous.protos![index]!.packets,
					bytes: record.bytes - previous.protos![index]!.bytes,
				};
				const wanted = index === classIndex(expected) ? {packets: BigInt(REPEAT), bytes} : {packets: 0n, bytes: 0n};
				assert.deepEqual(delta, wanted, `class ${PROTO_CLASSES[index]!.key}`);
			});
			current.actions.forEach((record, index) => {
				const delta = record.packets - previous.actions[index]!.packets;
				assert.equal(delta, index === XDP_PASS ? BigInt(REPEAT) : 0n, `action ${XDP_ACTIONS[index]}`);
			});
			assert.deepEqual(totalOf(current.actions), totalOf(current.protos!), 'every frame lands in exactly one class');
			previous = current;
		});
	}

	test('every IP protocol number: untagged (the short path) and behind a VLAN tag (the full parse) count in the same class', () => {
		const classOf = (frame: Buffer) => {
			testRun(object.progFd, frame, 1);
			const current = reader.read();
			const moved = current.protos!.flatMap((record, index) => (record.packets === previous.protos![index]!.packets + 1n ? [PROTO_CLASSES[index]!.key] : []));
			previous = current;
			return moved;
		};
		const named: Partial<Record<number, ClassKey>> = {[f.IPPROTO_TCP]: 'PROTO_IPV4_TCP', [f.IPPROTO_UDP]: 'PROTO_IPV4_UDP', [f.IPPROTO_ICMP]: 'PROTO_IPV4_ICMP'};
		for (let protocol = 0; protocol < 256; protocol++) {
			const expected = [named[protocol] ?? 'PROTO_IPV4_OTHER'];
			assert.deepEqual(classOf(f.padded(f.ethernet(f.ETH_P_IP, f.ipv4(protocol)))), expected, `protocol ${protocol}, untagged`);
			assert.deepEqual(classOf(f.padded(f.ethernet(f.ETH_P_IP, f.ipv4(protocol), [f.ETH_P_8021Q]))), expected, `protocol ${protocol}, 802.1Q`);
		}
	});

	test('a frame shorter than an Ethernet header never reaches the program', () => {
		// The kernel's test-run refuses it (EINVAL); the program's own length check guards real NICs.
		assert.throws(() => testRun(object.progFd, Buffer.alloc(13), REPEAT), {code: 'EINVAL'});
		assert.deepEqual(reader.read(), previous);
	});
});
