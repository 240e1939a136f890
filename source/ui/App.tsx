import {Box, Text, useApp, useInput, type Key} from 'ink';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {nextModeInCycle, type InterfaceRow, type ModeTarget, type MonitorPort, type Snapshot} from '../model/monitor.js';
import {MODE_NAMES, type XdpMode} from '../model/xdp.js';
import {DetailPane} from './components/DetailPane.js';
import {Header} from './components/Header.js';
import {HelpOverlay} from './components/HelpOverlay.js';
import {InterfaceTable, TableTitles} from './components/InterfaceTable.js';
import {StatusLine} from './components/StatusLine.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {commandFor, type Command} from './keys.js';
import {layoutFor, MIN_COLUMNS, MIN_ROWS} from './layout.js';
import {clampScroll, editFilter, initialUiStateFor, selectedIndex, uiReducer, visibleRows, type UiState} from './state.js';
import {safeName} from './text.js';
import {type Theme} from './theme.js';

type Props = {
	readonly port: MonitorPort;
	readonly initial: Snapshot;
	/** The mode space attaches in (--mode). */
	readonly defaultMode: XdpMode;
	readonly ascii: boolean;
	readonly theme: Theme;
};

const INTERVAL_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];

function stepInterval(current: number, direction: 1 | -1): number {
	const index = INTERVAL_STEPS.findIndex(step => step >= current - 1e-9);
	const at = index === -1 ? INTERVAL_STEPS.length - 1 : index;
	const exact = Math.abs((INTERVAL_STEPS[at] ?? current) - current) < 1e-9;
	const next = direction === 1 ? (exact ? at + 1 : at) : at - 1;
	return INTERVAL_STEPS[Math.min(INTERVAL_STEPS.length - 1, Math.max(0, next))]!;
}

function oursMode(row: InterfaceRow): ModeTarget {
	return row.xdp.attachments.find(attachment => attachment.ours)?.mode ?? 'off';
}

export function App({port, initial, defaultMode, ascii, theme}: Props) {
	const {exit} = useApp();
	const [snapshot, setSnapshot] = useState(initial);
	const [state, dispatch] = useReducer(uiReducer, snapshot.demo, initialUiStateFor);
	const {columns: width, rows: height} = useTerminalSize();
	const busy = useRef(false);
	const modeRef = useRef<UiState['mode']>(state.mode);
	modeRef.current = state.mode;
	useEffect(() => port.subscribe(setSnapshot), [port]);
	// The monitor's own news (it restarted ip ...) goes to the status line once, like an action's result.
	const {notice} = snapshot;
	useEffect(() => {
		if (notice) {
			dispatch({type: 'status', text: notice.text, tone: 'error'});
		}
	}, [notice]);

	// One object per terminal size: the rows are memoised on it.
	const allNamespaces = snapshot.namespaces !== undefined;
	const layout = useMemo(() => layoutFor(width, height, allNamespaces), [width, height, allNamespaces]);
	const rows = visibleRows(snapshot.rows, state);
	const index = selectedIndex(rows, state);
	const selected = rows[index];
	const scroll = clampScroll(state.scroll, index, layout.tableRows, rows.length);
	const focus = selected?.key;
	useEffect(() => port.setFocus(focus), [port, focus]);

	const apply = useCallback(
		async (row: InterfaceRow, target: ModeTarget) => {
			if (busy.current) {
				dispatch({type: 'status', text: 'still working on the last change', tone: 'info'});
				return;
			}
			busy.current = true;
			dispatch({type: 'status', text: target === 'off' ? `detaching from ${safeName(row.name)}…` : `attaching to ${safeName(row.name)} in ${target} mode…`, tone: 'info'});
			try {
				const result = await port.setMode(row.key, target);
				dispatch({type: 'modeResult', key: row.key, target, ok: result.ok, message: result.message});
			} finally {
				busy.current = false;
			}
		},
		[port],
	);

	/** Asks first when a native or offload attach could flap the link that carries the SSH session. */
	const request = (row: InterfaceRow, target: ModeTarget) => {
		if (row.carriesSsh && (target === 'drv' || target === 'hw') && oursMode(row) !== target) {
			dispatch({
				type: 'confirm',
				key: row.key,
				target,
				question: `${safeName(row.name)} carries your SSH session; ${MODE_NAMES[target]} attach may reset the link briefly. Attach?`,
			});
			return;
		}
		void apply(row, target);
	};

	const run = (command: Command) => {
		const move = (by: number | 'first' | 'last') => dispatch({type: 'move', rows, by, pageSize: layout.tableRows});
		switch (command) {
			case 'up':
				return move(-1);
			case 'down':
				return move(1);
			case 'pageUp':
				return move(-layout.tableRows);
			case 'pageDown':
				return move(layout.tableRows);
			case 'home':
				return move('first');
			case 'end':
				return move('last');
			case 'sort':
				return dispatch({type: 'sort'});
			case 'reverse':
				return dispatch({type: 'reverse'});
			case 'filter':
				return dispatch({type: 'filterStart'});
			case 'help':
				return dispatch({type: 'help', open: true});
			case 'perCpu':
				return dispatch({type: 'perCpu'});
			case 'quit':
				return exit();
			case 'intervalUp':
			case 'intervalDown': {
				const seconds = stepInterval(snapshot.intervalSeconds, command === 'intervalUp' ? 1 : -1);
				port.setIntervalSeconds(seconds);
				return dispatch({type: 'status', text: `sampling every ${seconds} s`, tone: 'info'});
			}
			case 'pause':
				port.setPaused(!snapshot.paused);
				return dispatch({type: 'status', text: snapshot.paused ? 'sampling resumed' : 'paused: p resumes', tone: 'info'});
			case 'bpfStats': {
				const result = port.setBpfStats(!snapshot.bpfStats);
				return dispatch({type: 'status', text: result.message, tone: result.ok ? 'info' : 'error'});
			}
			default:
				break;
		}
		if (!selected) {
			return dispatch({type: 'status', text: 'no interface selected', tone: 'error'});
		}
		const current = oursMode(selected);
		if (command === 'toggle') {
			return request(selected, current === 'off' ? defaultMode : 'off');
		}
		if (command === 'detach') {
			if (current === 'off') {
				return dispatch({type: 'status', text: `xdptop has nothing attached to ${safeName(selected.name)}`, tone: 'info'});
			}
			return request(selected, 'off');
		}
		if (command === 'cycleMode') {
			return request(selected, nextModeInCycle(current, state.refused.get(selected.key)));
		}
	};

	/**
	 * One key at a time. Returns the UI mode the next key of the same chunk should see, since
	 * dispatched state only arrives with the next render.
	 */
	const handleKey = (mode: UiState['mode'], input: string, key: Key): UiState['mode'] => {
		if (mode.kind === 'help') {
			dispatch({type: 'help', open: false});
			return {kind: 'table'};
		}
		if (mode.kind === 'confirm') {
			dispatch({type: 'confirmDone'});
			const row = snapshot.rows.find(candidate => candidate.key === mode.key);
			if ((input === 'y' || input === 'Y') && row) {
				void apply(row, mode.target);
			} else {
				dispatch({type: 'status', text: 'not attached', tone: 'info'});
			}
			return {kind: 'table'};
		}
		if (mode.kind === 'filter') {
			if (key.return) {
				dispatch({type: 'filterAccept'});
				return {kind: 'table'};
			}
			if (key.escape) {
				dispatch({type: 'filterCancel'});
				return {kind: 'table'};
			}
			const draft = key.backspace || key.delete ? [...mode.draft].slice(0, -1).join('') : input && !key.ctrl && !key.meta ? editFilter(mode.draft, input) : mode.draft;
			dispatch({type: 'filterEdit', draft});
			return {kind: 'filter', draft};
		}
		if (key.escape && state.filter) {
			dispatch({type: 'filterCancel'});
			return mode;
		}
		const command = commandFor(input, key);
		if (command) {
			run(command);
		}
		return command === 'filter' ? {kind: 'filter', draft: state.filter} : command === 'help' ? {kind: 'help'} : mode;
	};

	// Ink re-registers useInput's handler in an effect, after the frame is drawn: a key that comes
	// in between would act on the rows of the frame before (e.g. cycle from "off" again after an
	// attach). The handler registered once reads the one from the latest render.
	const onInput = useRef<(input: string, key: Key) => void>(() => undefined);
	onInput.current = (input, key) => {
		const special = key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.home || key.end || key.return || key.escape || key.tab || key.backspace || key.delete || key.ctrl || key.meta;
		const characters = [...input];
		// Keys can come faster than frames (a paste, a slow link): each one sees the mode the one
		// before it left, not the mode of the last render; a chunk of keys is taken one by one.
		let mode = modeRef.current;
		// In the filter too: "eth0" and Enter in one chunk edit, then keep it, and a key after them
		// acts on the table (editFilter takes a DEL or BS in the chunk as a backspace).
		if (special || characters.length <= 1) {
			mode = handleKey(mode, input, key);
		} else {
			for (const character of characters) {
				mode = handleKey(mode, character, {return: character === '\r'} as Key);
			}
		}
		modeRef.current = mode;
	};
	useInput(useCallback((input: string, key: Key) => onInput.current(input, key), []));

	if (layout.tooSmall) {
		return <Text>{`terminal too small: needs ${MIN_COLUMNS}×${MIN_ROWS}, is ${width}×${height}`.slice(0, Math.max(1, width))}</Text>;
	}
	const rule = (ascii ? '-' : '─').repeat(width);
	const bodyHeight = layout.tableRows + 1 + layout.detailRows;
	return (
		<Box flexDirection="column" width={width}>
			<Header snapshot={snapshot} width={width} theme={theme} />
			<TableTitles columns={layout.columns} width={width} theme={theme} />
			{state.mode.kind === 'help' ? (
				<HelpOverlay allNamespaces={allNamespaces} height={bodyHeight} width={width} theme={theme} />
			) : (
				<>
					<InterfaceTable
						rows={rows.slice(scroll, scroll + layout.tableRows)}
						selectedKey={selected?.key}
						columns={layout.columns}
						height={layout.tableRows}
						width={width}
						ascii={ascii}
						theme={theme}
						emptyText={state.filter || state.mode.kind === 'filter' ? 'no interface matches the filter' : 'no interfaces'}
					/>
					<Text color={theme.dim}>{rule}</Text>
					<DetailPane row={selected} height={layout.detailRows} width={width} chartWidth={layout.chartWidth} bpfStats={snapshot.bpfStats} perCpu={state.perCpu} theme={theme} />
				</>
			)}
			<Text color={theme.dim}>{rule}</Text>
			<StatusLine state={state as UiState} width={width} theme={theme} />
		</Box>
	);
}
