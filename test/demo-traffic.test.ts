/**
 * The demo's own traffic (no packet generator installed): raw frames sent from the peer end of a
 * lab of the test's own, counted on the other end by the kernel. The sending thread must be back
 * in its own network namespace afterwards, also when opening fails.
 */
import assert from 'node:assert/strict';
import {readlinkSync} from 'node:fs';
import {test} from 'node:test';
import {BpfError} from '../source/bpf/errors.js';
import {openPacketSocket} from '../source/bpf/packet-socket.js';
import {demoMix} from '../source/demo/frames.js';
import {startTraffic} from '../source/demo/traffic.js';
import {until} from './helpers/wait.js';
import {udpFrame, VethLab} from './helpers/netns.js';

const ownNamespace = () => readlinkSync('/proc/thread-self/ns/net');

test('a packet socket in the peer namespace: every frame sent arrives at the other end; this thread stays home', () => {
	const home = ownNamespace();
	const lab = new VethLab();
	try {
		const socket = openPacketSocket(`/run/netns/${lab.peer}`, lab.peerIf);
		assert.equal(ownNamespace(), home);
		const before = lab.stats(lab.local, lab.localIf).rxPackets;
		for (let i = 0; i < 40; i++) {
			assert.ok(socket.send(udpFrame()));
		}
		socket.close();
		assert.equal(socket.send(udpFrame()), false, 'a closed socket sends nothing');
		assert.equal(lab.stats(lab.local, lab.localIf).rxPackets - before, 40);
	} finally {
		lab.remove();
	}
});

test('an interface that is not in that namespace: one error, and this thread is back home', () => {
	const home = ownNamespace();
	const lab = new VethLab();
	try {
		// The local end exists, but in the other namespace.
		assert.throws(() => openPacketSocket(`/run/netns/${lab.peer}`, lab.localIf), (error: unknown) => {
			assert.ok(error instanceof BpfError);
			assert.match(error.message, new RegExp(`^no interface ${lab.localIf} in /run/netns/${lab.peer}$`));
			return true;
		});
		assert.equal(ownNamespace(), home);
	} finally {
		lab.remove();
	}
});

test('the traffic stops by itself after its limit, and every frame of the mix arrives', async () => {
	const lab = new VethLab();
	try {
		const before = lab.stats(lab.local, lab.localIf).rxPackets;
		const traffic = startTraffic(`/run/netns/${lab.peer}`, lab.peerIf, {frames: demoMix(), burst: 7, intervalMs: 5, limit: 100});
		await until(() => traffic.sent() === 100, () => `100 frames sent (${traffic.sent()})`);
		await until(() => lab.stats(lab.local, lab.localIf).rxPackets - before === 100, 'the other end to count 100 frames');
		// Past its limit it sends nothing more, although nobody stopped it.
		const settled = lab.stats(lab.local, lab.localIf).rxPackets;
		await new Promise(resolve => setTimeout(resolve, 100));
		assert.equal(lab.stats(lab.local, lab.localIf).rxPackets, settled);
		assert.equal(traffic.sent(), 100);
		traffic.stop();
	} finally {
		lab.remove();
	}
});
