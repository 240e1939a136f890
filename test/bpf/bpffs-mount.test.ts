/** When xdptop mounts bpffs itself, and what it says when it will not (no kernel needed). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {refuseToMountBpffs} from '../../source/bpf/pins.js';

test("in init's mount namespace it mounts bpffs itself", () => {
	assert.equal(refuseToMountBpffs('mnt:[4026531841]', 'mnt:[4026531841]'), undefined);
});

test('in a mount namespace of its own (ip netns exec) it refuses: the mount would end with xdptop', () => {
	assert.match(refuseToMountBpffs('mnt:[4026532300]', 'mnt:[4026531841]')!, /^bpffs is not mounted in this mount namespace \(as under ip netns exec\), so a pin would end with xdptop; run xdptop with nsenter --net=\/run\/netns\/NAME instead$/);
});

test('where /proc cannot tell the namespaces apart it does not guess: it says how to mount bpffs on the host', () => {
	const expected = /^bpffs is not mounted at \/sys\/fs\/bpf, and xdptop cannot tell whether this is the host's mount namespace \(\/proc\/1\/ns\/mnt cannot be read\), so it does not mount it: on the host, mount -t bpf -o mode=700 bpf \/sys\/fs\/bpf \(under ip netns exec, run xdptop with nsenter --net=\/run\/netns\/NAME instead\)$/;
	assert.match(refuseToMountBpffs('mnt:[4026531841]', undefined)!, expected);
	assert.match(refuseToMountBpffs(undefined, 'mnt:[4026531841]')!, expected);
	assert.match(refuseToMountBpffs(undefined, undefined)!, expected);
});
