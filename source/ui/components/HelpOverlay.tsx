import {Box, Text} from 'ink';
import {KEY_BINDINGS} from '../keys.js';
import {type Theme} from '../theme.js';
import {fit} from '../text.js';

type Props = {
	readonly height: number;
	readonly width: number;
	readonly theme: Theme;
};

/** Every key, from the same table the input handler uses. */
export function HelpOverlay({height, width, theme}: Props) {
	const lines = [
		'Keys (any key closes this help)',
		...KEY_BINDINGS.map(binding => `  ${binding.keys.join(' / ').padEnd(14)}${binding.description}`),
		'',
		"  ● (or *) marks xdptop's own program; (foreign), ○ or (f) someone else's, never touched",
		"  RX, HISTORY and DROP/s (the stack's drops): the kernel's interface counters.",
		"  XDROP/s: XDP_DROP verdicts, from xdptop_stats where attached, else from the",
		"  driver's counters for someone else's native program (ethtool -S: veth,",
		"  virtio_net, mlx5, ena, mvneta, mvpp2, fec). — : no source; never a made-up 0.",
	];
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
