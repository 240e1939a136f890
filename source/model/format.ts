/** Numbers for people: SI prefixes, three significant digits. */

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234 -> "1.23k", 999.6 -> "1.00k", 0 -> "0", undefined -> "—" (unknown is never a wrong 0). */
export function formatSi(value: number | undefined, unknown = '—'): string {
	if (value === undefined || !Number.isFinite(value)) {
		return unknown;
	}
	if (value === 0) {
		return '0';
	}
	const sign = value < 0 ? '-' : '';
	let magnitude = Math.abs(value);
	if (magnitude < 1) {
		return `${sign}${magnitude.toPrecision(2).replace(/\.?0+$/, '')}`;
	}
	let index = 0;
	// Round first, so 999.6 becomes 1.00k rather than "1.00e+3".
	while (index < PREFIXES.length - 1 && Number(magnitude.toPrecision(3)) >= 1000) {
		magnitude /= 1000;
		index++;
	}
	const digits = index === 0 && Number.isInteger(magnitude) ? String(magnitude) : magnitude.toPrecision(3);
	return `${sign}${digits}${PREFIXES[index]}`;
}

export function formatPercent(part: number, whole: number): string {
	if (!(whole > 0)) {
		return '—';
	}
	return `${((part / whole) * 100).toFixed(1)} %`;
}

/**
 * Local wall-clock time as HH:MM:SS. Not toTimeString(): that also names the time zone (ICU's
 * zone names, loaded into the monitor's memory) for a part the header cuts off.
 */
export function formatClock(time: Date): string {
	return [time.getHours(), time.getMinutes(), time.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}
