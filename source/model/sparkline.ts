/** Text sparklines: one character per value, scaled to the largest value shown. */
const BLOCKS = '▁▂▃▄▅▆▇█';
const ASCII = '_.-:=+*#';

export function sparkline(values: {slice(start: number): number[]}, width: number, ascii = false): string {
	if (width <= 0) {
		return '';
	}
	const levels = ascii ? ASCII : BLOCKS;
	const shown = values.slice(-width);
	const max = Math.max(0, ...shown);
	const line = shown
		.map(value => (max > 0 ? levels[Math.min(levels.length - 1, Math.round((Math.max(0, value) / max) * (levels.length - 1)))] : levels[0]))
		.join('');
	return line.padStart(width);
}
