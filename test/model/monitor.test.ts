import assert from 'node:assert/strict';
import {test} from 'node:test';
import {nextModeInCycle} from '../../source/model/monitor.js';
import {sparkline} from '../../source/model/sparkline.js';

test('m cycles drv → skb → hw → off → drv', () => {
	assert.equal(nextModeInCycle('off', undefined), 'drv');
	assert.equal(nextModeInCycle('drv', undefined), 'skb');
	assert.equal(nextModeInCycle('skb', undefined), 'hw');
	assert.equal(nextModeInCycle('hw', undefined), 'off');
});

test('after a refusal the cycle goes on past the refused mode, not back to it', () => {
	assert.equal(nextModeInCycle('skb', 'hw'), 'off');
	assert.equal(nextModeInCycle('off', 'drv'), 'skb');
});

test('sparklines scale to the largest value shown and keep the newest values', () => {
	assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
	assert.equal(sparkline([7, 0, 7], 2), '▁█');
	assert.equal(sparkline([1, 1], 4), '  ██', 'padded on the left while history fills');
	assert.equal(sparkline([0, 0], 2), '  ', 'no traffic yet: blank');
	assert.equal(sparkline([0, 7], 2, true), '_#');
	assert.equal(sparkline([1], 0), '');
});
