/** The y-axis labels of the detail pane's chart: rates formatted as everywhere else. */
import {formatSi} from '../model/format.js';

/**
 * asciichart computes each label as max - row * range / rows, which leaves float noise where the
 * true value is the bottom or top of the range (1.1e-16 for 0), and for a flat series it passes
 * the row number instead of a value. This formatter knows the series' own minimum and maximum:
 * labels within a billionth of the range of either end are that end, a flat series is labelled
 * with its value, and every label is formatSi of a rate (never below 0).
 */
export function axisLabelFormatter(series: readonly number[], width: number): (value: number) => string {
	let min = Number.POSITIVE_INFINITY;
	let max = Number.NEGATIVE_INFINITY;
	for (const value of series) {
		min = Math.min(min, value);
		max = Math.max(max, value);
	}
	const span = max - min;
	const tolerance = span * 1e-9;
	return (value: number) => {
		let label = value;
		if (!(span > 0)) {
			label = min;
		} else if (Math.abs(label - min) <= tolerance) {
			label = min;
		} else if (Math.abs(label - max) <= tolerance) {
			label = max;
		}
		return formatSi(Math.max(0, label)).padStart(width);
	};
}
