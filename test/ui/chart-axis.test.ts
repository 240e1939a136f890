import assert from 'node:assert/strict';
import {test} from 'node:test';
import asciichart from 'asciichart';
import {axisLabelFormatter} from '../../source/ui/chart-axis.js';

function labels(series: number[], height: number): string[] {
	return asciichart
		.plot(series, {height, format: axisLabelFormatter(series, 8)})
		.split('\n')
		.map(line => line.slice(0, 8).trim());
}

test('chart axis: no float noise where the range starts at 0 (asciichart alone printed 1.1e-16)', () => {
	for (const height of [3, 6, 9, 12]) {
		const shown = labels([0, 0.7, 0.05], height);
		assert.equal(shown.at(-1), '0', shown.join(' '));
		assert.equal(shown[0], '0.7');
		for (const label of shown) {
			assert.doesNotMatch(label, /e[-+]/, label);
		}
	}
	assert.deepEqual(labels([0, 0.9], 9), ['0.9', '0.8', '0.7', '0.6', '0.5', '0.4', '0.3', '0.2', '0.1', '0']);
});

test('chart axis: a flat series is labelled with its value, not the row number', () => {
	assert.deepEqual(labels([0.5, 0.5, 0.5], 5), ['0.5']);
	assert.deepEqual(labels([0, 0, 0], 5), ['0']);
	assert.deepEqual(labels([1234.5, 1234.5], 5), ['1.23k']);
});

test('chart axis: SI rates as elsewhere, never below 0', () => {
	const shown = labels([1_000_000, 2_500_000, 1_500_000], 4);
	assert.deepEqual(shown, ['2.50M', '2.13M', '1.75M', '1.38M', '1.00M']);
	for (const series of [[0, 0.0167], [3, 3.000_000_1], [0.1, 0.4, 0.2]]) {
		for (const label of labels(series, 7)) {
			assert.doesNotMatch(label, /e[-+]|^-/, `${label} in ${series.join(',')}`);
		}
	}
});
