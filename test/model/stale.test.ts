import assert from 'node:assert/strict';
import {test} from 'node:test';
import {markStale, staleSeconds, type Snapshot} from '../../source/model/monitor.js';
import {makeRow} from '../helpers/fake-port.js';

test('a sample is late after more than two intervals (at least a second), counted from the later of the last sample and the last (re)start', () => {
	assert.equal(staleSeconds(2000, 0, 0, 1), undefined, 'two intervals: on time');
	assert.equal(staleSeconds(2001, 0, 0, 1), 2);
	assert.equal(staleSeconds(4500, 0, 0, 1), 4, 'whole seconds since the last sample');
	assert.equal(staleSeconds(900, 0, 0, 0.1), undefined, 'at 0.1 s a slow tick is not lateness: a second at least');
	assert.equal(staleSeconds(1001, 0, 0, 0.1), 1);
	assert.equal(staleSeconds(5000, 0, 4000, 1), undefined, 'resumed (or a new interval) at 4 s: not late before 6 s');
	assert.equal(staleSeconds(6500, 0, 4000, 1), 6, 'then the age counts from the sample itself');
});

test('a stale snapshot shows no rate as current; what is attached stays', () => {
	const warm = makeRow('eth0', 2, {actions: [{label: 'PASS', pps: 5}], protos: [], runStats: {runsPerSecond: 1, nsPerRun: 2, cpuPercent: 0.1}, xdpRxPps: 5});
	const cold = makeRow('cold0', 3, {warm: false});
	const snapshot: Snapshot = {host: 'h', kernel: '6.18', cpus: 2, intervalSeconds: 1, time: new Date(0), paused: false, bpfStats: false, rows: [warm, cold], demo: false};
	const stale = markStale(snapshot, 4);
	assert.equal(stale.staleSeconds, 4);
	const [eth0, cold0] = stale.rows;
	assert.equal(eth0!.warm, false, 'rates show as not known yet');
	assert.equal(eth0!.actions, undefined);
	assert.equal(eth0!.protos, undefined);
	assert.equal(eth0!.runStats, undefined);
	assert.equal(eth0!.xdpRxPps, undefined);
	assert.equal(eth0!.rxPps, warm.rxPps, 'kept for sorting, so rows do not jump');
	assert.deepEqual(eth0!.xdp, warm.xdp);
	assert.equal(cold0, cold, 'a row with nothing current is left as it is');
	assert.equal(markStale(stale, 5).rows[0], stale.rows[0], 'marking again changes nothing but the age');
});
