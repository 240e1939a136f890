import {Text} from 'ink';
import {type Snapshot} from '../../model/monitor.js';
import {formatClock} from '../../model/format.js';
import {type Theme} from '../theme.js';
import {fit, safeName} from '../text.js';

type Props = {
	readonly snapshot: Snapshot;
	readonly width: number;
	readonly theme: Theme;
};

function xdpSummary(snapshot: Snapshot): string {
	let ours = 0;
	let foreign = 0;
	for (const row of snapshot.rows) {
		for (const attachment of row.xdp.attachments) {
			if (attachment.ours) {
				ours++;
			} else {
				foreign++;
			}
		}
	}
	if (snapshot.namespaces !== undefined) {
		return `XDP: ${ours} ours, ${foreign} foreign in ${snapshot.namespaces} netns`;
	}
	const elsewhere = snapshot.elsewhere?.attachments ? ` (+${snapshot.elsewhere.attachments} in ${snapshot.elsewhere.namespaces} other netns)` : '';
	return `XDP: ${ours} ours, ${foreign} foreign${elsewhere}`;
}

/**
 * One line: host, kernel, CPUs, interval, time, XDP counts, paused flag; less important parts go
 * first when narrow. "stale N s" (the sample is late) is never dropped: the time shown is then not now.
 */
export function Header({snapshot, width, theme}: Props) {
	const time = formatClock(snapshot.time);
	const parts = [
		{text: `xdptop${snapshot.demo ? ' (demo)' : ''}`, keep: 0},
		{text: `host ${safeName(snapshot.host)}`, keep: 3},
		{text: `linux ${snapshot.kernel}`, keep: 1},
		{text: `${snapshot.cpus} CPUs`, keep: 2},
		{text: `every ${snapshot.intervalSeconds < 1 ? snapshot.intervalSeconds : snapshot.intervalSeconds.toFixed(1)}s`, keep: 5},
		{text: time, keep: 4},
		...(snapshot.staleSeconds === undefined ? [] : [{text: `stale ${snapshot.staleSeconds} s`, keep: 0}]),
		{text: xdpSummary(snapshot), keep: 6},
		...(snapshot.paused ? [{text: 'PAUSED', keep: 7}] : []),
	];
	const right = '? help  q quit';
	let shown = parts;
	let dropLevel = 1;
	const length = (list: typeof parts) => list.reduce((sum, part) => sum + part.text.length + 2, 0);
	while (length(shown) + right.length > width && dropLevel <= 5) {
		const level = dropLevel;
		shown = shown.filter(part => part.keep === 0 || part.keep > level);
		dropLevel++;
	}
	const left = shown.map(part => part.text).join('  ');
	const gap = width - left.length - right.length;
	const line = gap >= 2 ? `${left}${' '.repeat(gap)}${right}` : left;
	return (
		<Text color={theme.header} bold wrap="truncate">
			{fit(line, width)}
		</Text>
	);
}
