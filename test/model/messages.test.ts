import assert from 'node:assert/strict';
import {test} from 'node:test';
import {blockingAttachment, describeConflict, explainAttachFailure} from '../../source/model/messages.js';
import {type XdpAttachment} from '../../source/model/xdp.js';

const veth = {ifname: 'veth0', driver: 'veth'};

test('hardware offload refusals name the driver and what to try', () => {
	for (const code of ['EINVAL', 'EOPNOTSUPP']) {
		assert.equal(
			explainAttachFailure({...veth, mode: 'hw'}, code, 'Invalid argument'),
			'hardware offload is not supported by driver veth on veth0; use drv or skb mode',
		);
	}
});

test('conflicts name what is in the way', () => {
	assert.match(explainAttachFailure({...veth, mode: 'drv'}, 'EBUSY', ''), /already has an XDP program in drv mode/);
	assert.match(explainAttachFailure({...veth, mode: 'skb'}, 'EEXIST', ''), /native and generic XDP cannot be active at the same time/);
	assert.match(explainAttachFailure({...veth, mode: 'drv'}, 'EOPNOTSUPP', ''), /driver veth has no native XDP support on veth0; use skb/);
	assert.match(explainAttachFailure({...veth, mode: 'skb'}, 'ENODEV', ''), /veth0 no longer exists/);
});

test('anything unforeseen keeps the kernel words and the errno name', () => {
	assert.equal(
		explainAttachFailure({...veth, mode: 'skb'}, 'ENOMEM', 'Cannot allocate memory'),
		'generic (skb) attach on veth0 failed: Cannot allocate memory (ENOMEM)',
	);
});

test('names in messages are escaped', () => {
	assert.doesNotMatch(explainAttachFailure({ifname: 'x\u001b[2J', driver: 'veth', mode: 'hw'}, 'EINVAL', ''), /\u001b/);
});

const attachment = (mode: XdpAttachment['mode'], ours = false): XdpAttachment => ({
	mode,
	progId: 42,
	progName: 'cilium_xdp',
	tag: '',
	ours,
	via: 'netlink',
});

test('native and generic block each other; hardware only blocks hardware', () => {
	assert.equal(blockingAttachment([attachment('skb')], 'drv')?.mode, 'skb');
	assert.equal(blockingAttachment([attachment('drv')], 'skb')?.mode, 'drv');
	assert.equal(blockingAttachment([attachment('hw')], 'drv'), undefined);
	assert.equal(blockingAttachment([attachment('drv')], 'hw'), undefined);
	assert.equal(blockingAttachment([attachment('hw')], 'hw')?.mode, 'hw');
});

test('a conflict message names the foreign program', () => {
	assert.equal(
		describeConflict('eth1', attachment('drv')),
		"eth1 already has program 'cilium_xdp' (id 42) attached in drv mode; xdptop does not replace or detach it",
	);
	assert.match(describeConflict('eth1', attachment('skb', true)), /an xdptop program of another process/);
});

test("a conflict with an older xdptop's --keep says that --cleanup removes it", () => {
	const kept: XdpAttachment = {...attachment('skb'), progName: 'xdptop_stats', olderXdptop: true};
	assert.equal(describeConflict('eth1', kept), "eth1 already has 'xdptop_stats' (id 42), kept by an older xdptop, attached in skb mode; xdptop --cleanup removes it");
});
