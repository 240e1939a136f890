import {Text} from 'ink';
import {memo} from 'react';
import {hintLine} from '../keys.js';
import {type UiState} from '../state.js';
import {type Theme} from '../theme.js';
import {fit} from '../text.js';

type Props = {
	readonly state: UiState;
	readonly width: number;
	readonly theme: Theme;
};

/**
 * The last action's result on the left (errors say "error:" in any colour scheme), key hints on
 * the right. It changes with the UI state, not with a tick: memoised, a tick does not render it.
 */
export const StatusLine = memo(function StatusLine({state, width, theme}: Props) {
	if (state.mode.kind === 'filter') {
		return <Text wrap="truncate">{fit(`/ filter: ${state.mode.draft}▏  Enter keeps it  Esc clears it`, width)}</Text>;
	}
	if (state.mode.kind === 'confirm') {
		return (
			<Text bold color={theme.error} wrap="truncate">
				{fit(`${state.mode.question} y/N`, width)}
			</Text>
		);
	}
	const {text, tone} = state.status;
	const message = tone === 'error' ? `error: ${text}` : text;
	const room = width - Math.min(message.length, width) - 2;
	const hints = room > 20 ? hintLine(room) : '';
	const color = tone === 'error' ? theme.error : tone === 'success' ? theme.success : undefined;
	return (
		<Text wrap="truncate">
			<Text color={color}>{fit(message, width - (hints ? hints.length + 2 : 0))}</Text>
			{hints ? <Text color={theme.dim}>{`  ${hints}`}</Text> : null}
		</Text>
	);
});
