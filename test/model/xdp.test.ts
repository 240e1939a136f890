import assert from 'node:assert/strict';
import {test} from 'node:test';
import {holdersText, NO_XDP, xdpStateOf} from '../../source/model/xdp.js';

const program = (mode: 'drv' | 'skb' | 'hw', progId: number, progName: string) => ({mode, progId, progName, tag: 'aa'});

test('ours by proof (never by name); link or netlink by matching the link list on ifindex and program', () => {
	const state = xdpStateOf(7, [program('drv', 10, 'xdptop_stats')], [{linkId: 3, progId: 10, ifindex: 7}], program => program.progId === 10);
	assert.deepEqual(state, {attachMode: 'drv', attachments: [{mode: 'drv', progId: 10, progName: 'xdptop_stats', tag: 'aa', ours: true, via: 'link', linkId: 3}]});
	const elsewhere = xdpStateOf(7, [program('skb', 11, 'cilium_xdp')], [{linkId: 3, progId: 11, ifindex: 8}], program => program.progId === 10);
	assert.equal(elsewhere.attachments[0]!.via, 'netlink', 'a link of the same program on another interface does not count');
	assert.equal(elsewhere.attachments[0]!.ours, false);
	const impostor = xdpStateOf(7, [program('drv', 12, 'xdptop_stats')], [], () => false);
	assert.equal(impostor.attachments[0]!.ours, false, 'our name without the proof is foreign');
});

test("an older xdptop's --keep is marked only when its own proof holds and ours does not; asked only for programs not ours", () => {
	const asked: number[] = [];
	const older = (candidate: {progId: number}) => {
		asked.push(candidate.progId);
		return candidate.progId !== 13;
	};
	const state = xdpStateOf(7, [program('drv', 10, 'xdptop_stats'), program('hw', 12, 'xdptop_stats'), program('hw', 13, 'xdptop_stats')], [], candidate => candidate.progId === 10, older);
	assert.deepEqual(
		state.attachments.map(({progId, ours, olderXdptop}) => ({progId, ours, olderXdptop})),
		[
			{progId: 10, ours: true, olderXdptop: undefined},
			{progId: 12, ours: false, olderXdptop: true},
			{progId: 13, ours: false, olderXdptop: undefined},
		],
	);
	assert.deepEqual(asked, [12, 13], 'never asked of our own program');
	assert.equal('olderXdptop' in state.attachments[2]!, false, 'left out, not false');
	assert.equal(xdpStateOf(7, [program('drv', 12, 'xdptop_stats')], [], () => false).attachments[0]!.olderXdptop, undefined, 'without the check: not marked');
});

test('two modes at once are multi; none is NO_XDP', () => {
	assert.equal(xdpStateOf(1, [program('drv', 1, 'a'), program('hw', 2, 'b')], [], () => false).attachMode, 'multi');
	assert.equal(xdpStateOf(1, [], [], () => false), NO_XDP);
});

test('who keeps an attachment alive: its holders, else a pin or netlink; nothing said before it was read', () => {
	const base = {mode: 'drv' as const, progId: 7, progName: 'filter', tag: '', ours: false};
	const facts = {loadedAtMs: undefined, uid: 0, functionName: undefined, mapIds: [], jitedBytes: 100};
	assert.equal(holdersText({...base, via: 'link', linkId: 3}), undefined);
	assert.equal(holdersText({...base, via: 'link', linkId: 3, facts: {...facts, holders: [{pid: 42, command: 'loader'}, {pid: 43, command: 'agent'}]}}), 'held by 42 loader, 43 agent');
	assert.equal(holdersText({...base, via: 'link', linkId: 3, facts: {...facts, holders: []}}), 'no process here holds its link: pinned in bpffs, or held from another PID namespace');
	assert.equal(holdersText({...base, via: 'link', linkId: 3, facts: {...facts, holders: [{pid: 9, command: '\u001B]2;OWNED\u0007'}]}}), 'held by 9 \\x1b]2;OWNED\\x07', 'a name cannot drive the terminal');
	assert.equal(holdersText({...base, via: 'netlink', facts: {...facts, holders: []}}), 'attached by netlink: no process needed');
});
