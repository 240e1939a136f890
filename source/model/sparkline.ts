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
	if (max === 0) {
		// No traffic yet: blank, so an idle row does not redraw every tick while its history fills.
		return ' '.repeat(width);
	}
	const line = shown
		.map(value => levels[Math.min(levels.length - 1, Math.round((Math.max(0, value) / max) * (levels.length - 1)))])
		.join('');
	return line.padStart(width);
}
