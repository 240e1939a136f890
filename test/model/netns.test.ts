import assert from 'node:assert/strict';
import {test} from 'node:test';
import {netnsTitle, nsfsMounts, parseNsLink} from '../../source/model/netns.js';

test('the link text of /proc/PID/ns/net', () => {
	assert.equal(parseNsLink('net:[4026531840]'), 4_026_531_840);
	assert.equal(parseNsLink('mnt:[4026531840]'), undefined);
	assert.equal(parseNsLink('net:[x]'), undefined);
	assert.equal(parseNsLink('net:[1] '), undefined);
});

test('nsfs bind mounts of network namespaces in mountinfo, with escaped paths', () => {
	const mountinfo = [
		'22 1 0:21 / /proc rw,nosuid - proc proc rw',
		'631 29 0:4 net:[4026532180] /run/netns/blue rw shared:1 - nsfs nsfs rw',
		'640 29 0:4 net:[4026532299] /var/run/my\\040ns rw - nsfs nsfs rw',
		'641 29 0:4 mnt:[4026532300] /run/mnt-ns rw - nsfs nsfs rw',
		'642 29 0:4 net:[4026532301] /tmp/fake rw - tmpfs tmpfs rw',
		'',
	].join('\n');
	assert.deepEqual(nsfsMounts(mountinfo), [
		{path: '/run/netns/blue', inode: 4_026_532_180},
		{path: '/var/run/my ns', inode: 4_026_532_299},
	]);
});

test('a namespace is called by its name, else command:PID, else its inode', () => {
	assert.equal(netnsTitle({inode: 1, name: 'blue', pid: 7, command: 'sleep'}), 'blue');
	assert.equal(netnsTitle({inode: 1, name: null, pid: 7, command: 'sleep'}), 'sleep:7');
	assert.equal(netnsTitle({inode: 42, name: null, pid: null, command: null}), 'net:[42]');
});
