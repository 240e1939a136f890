/** Decoding the kernel's rtnl_link_stats64 (pure: bytes built here), and finding a netlink attribute. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CountersByPosition, LINK_STATS_READ} from '../../source/bpf/link-stats.js';
import {findAttribute} from '../../source/bpf/netlink.js';

const RX_PACKETS = 0;
const RX_BYTES = 16;
const RX_DROPPED = 48;
const RX_MISSED = 128;

/** A stats block at an offset that is 4- but not 8-aligned, as netlink may place it. */
function statsBlock(values: {packets: bigint; bytes: bigint; dropped: bigint; missed: bigint}): {view: DataView; at: number} {
	const at = 4;
	const buffer = Buffer.alloc(at + LINK_STATS_READ);
	buffer.writeBigUInt64LE(values.packets, at + RX_PACKETS);
	buffer.writeBigUInt64LE(values.bytes, at + RX_BYTES);
	buffer.writeBigUInt64LE(values.dropped, at + RX_DROPPED);
	buffer.writeBigUInt64LE(values.missed, at + RX_MISSED);
	return {view: new DataView(buffer.buffer, buffer.byteOffset, buffer.length), at};
}

const plain = (counters: {rxPackets: bigint; rxBytes: bigint; rxDropped: bigint}) => ({rxPackets: counters.rxPackets, rxBytes: counters.rxBytes, rxDropped: counters.rxDropped});

test('decodes rx packets, bytes, and dropped as rx_dropped + rx_missed_errors', () => {
	const {view, at} = statsBlock({packets: 7n, bytes: 4_294_967_297n, dropped: 2n, missed: 3n});
	assert.deepEqual(plain(new CountersByPosition().take(0, 1, view, at)), {rxPackets: 7n, rxBytes: 4_294_967_297n, rxDropped: 5n});
});

test('an interface whose counters did not move keeps its object; one that moved, or another at its position, gets a new one', () => {
	const byPosition = new CountersByPosition();
	const idle = statsBlock({packets: 10n, bytes: 600n, dropped: 0n, missed: 0n});
	const first = byPosition.take(3, 42, idle.view, idle.at);
	assert.equal(byPosition.take(3, 42, idle.view, idle.at), first);
	for (const moved of [
		{packets: 11n, bytes: 600n, dropped: 0n, missed: 0n},
		{packets: 11n, bytes: 601n, dropped: 0n, missed: 0n},
		{packets: 11n, bytes: 601n, dropped: 1n, missed: 0n},
		{packets: 11n, bytes: 601n, dropped: 1n, missed: 1n},
	]) {
		const block = statsBlock(moved);
		const before = byPosition.take(3, 42, idle.view, idle.at);
		const next = byPosition.take(3, 42, block.view, block.at);
		assert.notEqual(next, before);
		assert.deepEqual(plain(next), {rxPackets: moved.packets, rxBytes: moved.bytes, rxDropped: moved.dropped + moved.missed});
	}
	// The same counters at the same position, but another interface (one before it went away).
	const kept = byPosition.take(3, 42, idle.view, idle.at);
	const other = byPosition.take(3, 43, idle.view, idle.at);
	assert.notEqual(other, kept);
	assert.deepEqual(plain(other), plain(kept));
	// Positions are apart, and past the first room.
	const far = byPosition.take(5000, 42, idle.view, idle.at);
	assert.notEqual(far, kept);
	assert.equal(byPosition.take(5000, 42, idle.view, idle.at), far);
	assert.equal(byPosition.take(3, 43, idle.view, idle.at), other, 'growing kept what was there');
});

test('counters past 2^53 stay exact, and are decoded afresh every read (a double could not tell them apart)', () => {
	const byPosition = new CountersByPosition();
	const huge = {packets: 2n ** 64n - 1n, bytes: 2n ** 53n + 1n, dropped: 2n ** 63n, missed: 2n ** 63n - 1n};
	const block = statsBlock(huge);
	const first = byPosition.take(0, 1, block.view, block.at);
	assert.deepEqual(plain(first), {rxPackets: huge.packets, rxBytes: huge.bytes, rxDropped: 2n ** 64n - 1n});
	const again = byPosition.take(0, 1, block.view, block.at);
	assert.notEqual(again, first);
	assert.deepEqual(plain(again), plain(first));
	// 2^53 + 2 is 2^53 + 1 plus one byte, though both round to the same double.
	const later = statsBlock({...huge, bytes: 2n ** 53n + 2n});
	assert.equal(byPosition.take(0, 1, later.view, later.at).rxBytes, 2n ** 53n + 2n);
});

/** Netlink attributes (length, type, payload padded to 4) back to back. */
function attributes(...list: Array<{type: number; payload: number}>): DataView {
	const buffer = Buffer.alloc(list.reduce((sum, {payload}) => sum + 4 + Math.ceil(payload / 4) * 4, 0));
	let at = 0;
	for (const {type, payload} of list) {
		buffer.writeUInt16LE(4 + payload, at);
		buffer.writeUInt16LE(type, at + 2);
		at += 4 + Math.ceil(payload / 4) * 4;
	}
	return new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
}

test('findAttribute: the first of that type with room enough; -1 when none, too short, or malformed', () => {
	const view = attributes({type: 2, payload: 5}, {type: 1, payload: 8}, {type: 1, payload: 200});
	assert.equal(findAttribute(view, 0, view.byteLength, 1, 8), 16);
	assert.equal(findAttribute(view, 0, view.byteLength, 1, 100), 28);
	assert.equal(findAttribute(view, 0, view.byteLength, 1, 201), -1);
	assert.equal(findAttribute(view, 0, view.byteLength, 3, 0), -1);
	// The nested and byte-order flags are not part of the type.
	const flagged = attributes({type: 0x8001, payload: 8});
	assert.equal(findAttribute(flagged, 0, flagged.byteLength, 1, 8), 4);
	// A length past the end stops the search.
	assert.equal(findAttribute(view, 0, view.byteLength - 4, 1, 100), -1);
	const broken = attributes({type: 1, payload: 8});
	broken.setUint16(0, 2, true);
	assert.equal(findAttribute(broken, 0, broken.byteLength, 1, 0), -1);
});
