import {Box, Text} from 'ink';
import {KEY_BINDINGS, type KeyBinding} from '../keys.js';
import {type Theme} from '../theme.js';
import {fit} from '../text.js';

type Props = {
	/** Started with -A: the NETNS column is explained too. */
	readonly allNamespaces: boolean;
	readonly height: number;
	readonly width: number;
	readonly theme: Theme;
};

/** Bindings that read as one line together, so that every key and the legend fit 80×24. */
const PAIRED: ReadonlyArray<readonly [string, string]> = [
	['up', 'down'],
	['pageUp', 'pageDown'],
	['home', 'end'],
	['sort', 'reverse'],
	['intervalUp', 'intervalDown'],
];

function keyLines(bindings: readonly KeyBinding[]): string[] {
	const lines: string[] = [];
	const line = (keys: string, description: string) => lines.push(`  ${keys.padEnd(14)}${description}`);
	for (const binding of bindings) {
		const pair = PAIRED.find(([first]) => first === binding.command);
		const second = pair && bindings.find(candidate => candidate.command === pair[1]);
		if (second) {
			line(`${binding.keys.join('/')}, ${second.keys.join('/')}`, `${binding.description}; ${second.description}`);
		} else if (!PAIRED.some(([, later]) => later === binding.command)) {
			line(binding.keys.join('/'), binding.description);
		}
	}
	return lines;
}

/** What each column counts, and where from: the README's table, in three lines. */
const LEGEND = [
	"  ● (or *) xdptop's program; (foreign), ○ or (f) another's, never touched",
	'  RX, HISTORY, DROP/s (stack drops): kernel counters. —: no source, never a 0',
	'  XDROP/s: XDP_DROP, ours or the driver\'s; ERR/s: exceptions, xdp tracepoints',
];

/** Every key, from the same table the input handler uses. */
const NETNS_LEGEND = "  NETNS (-A): the interface's network namespace: its name, or command:PID";

export function HelpOverlay({allNamespaces, height, width, theme}: Props) {
	const lines = ['Keys (any key closes this help)', ...keyLines(KEY_BINDINGS), ...LEGEND, ...(allNamespaces ? [NETNS_LEGEND] : [])];
	return (
		<Box flexDirection="column" height={height}>
			{lines.slice(0, height).map((line, index) => (
				<Text key={line} bold={index === 0} color={index === 0 ? theme.title : undefined} wrap="truncate">
					{fit(line, width)}
				</Text>
			))}
		</Box>
	);
}
