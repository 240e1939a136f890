/** The monitor's UI state and the one reducer that changes it. Pure: no I/O, no kernel. */
import {type InterfaceRow, type ModeTarget} from '../model/monitor.js';
import {demoTrafficSummary} from '../model/demo-traffic.js';

export type SortKey = 'name' | 'pps' | 'bps' | 'xdp';
export const SORT_KEYS: readonly SortKey[] = ['name', 'pps', 'bps', 'xdp'];

export type UiMode =
	| {readonly kind: 'table'}
	| {readonly kind: 'help'}
	| {readonly kind: 'filter'; readonly draft: string}
	| {readonly kind: 'confirm'; readonly key: string; readonly target: ModeTarget; readonly question: string};

export type Tone = 'info' | 'success' | 'error';

export interface UiState {
	readonly mode: UiMode;
	/** The selected row's key (InterfaceRow.key). */
	readonly selectedKey: string | undefined;
	/** Index of the first row on screen. */
	readonly scroll: number;
	readonly sort: SortKey;
	readonly reverse: boolean;
	readonly filter: string;
	readonly status: {readonly text: string; readonly tone: Tone};
	/** The detail pane shows rx per CPU instead of the breakdown. */
	readonly perCpu: boolean;
	/** The mode last refused per interface, so `m` goes on past it. */
	readonly refused: ReadonlyMap<string, ModeTarget>;
}

export const initialUiState: UiState = {
	mode: {kind: 'table'},
	selectedKey: undefined,
	scroll: 0,
	sort: 'name',
	reverse: false,
	filter: '',
	status: {text: 'space attaches xdptop_stats to the selected interface; ? lists every key', tone: 'info'},
	perCpu: false,
	refused: new Map(),
};

/** In a demo the status line first says what traffic to expect, and for how long. */
export function initialUiStateFor(demo: boolean): UiState {
	return demo ? {...initialUiState, status: {text: `${demoTrafficSummary()}; space attaches xdptop_stats; ? keys`, tone: 'info'}} : initialUiState;
}

export type UiAction =
	| {readonly type: 'move'; readonly rows: readonly InterfaceRow[]; readonly by: number | 'first' | 'last'; readonly pageSize: number}
	| {readonly type: 'sort'}
	| {readonly type: 'reverse'}
	| {readonly type: 'filterStart'}
	| {readonly type: 'filterEdit'; readonly draft: string}
	| {readonly type: 'filterAccept'}
	| {readonly type: 'filterCancel'}
	| {readonly type: 'help'; readonly open: boolean}
	| {readonly type: 'perCpu'}
	| {readonly type: 'confirm'; readonly key: string; readonly target: ModeTarget; readonly question: string}
	| {readonly type: 'confirmDone'}
	| {readonly type: 'status'; readonly text: string; readonly tone: Tone}
	| {readonly type: 'modeResult'; readonly key: string; readonly target: ModeTarget; readonly ok: boolean; readonly message: string};

/** By namespace (xdptop's own first, with -A), then by name. */
function byName(a: InterfaceRow, b: InterfaceRow): number {
	return (a.netns?.order ?? 0) - (b.netns?.order ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.ifindex - b.ifindex);
}

/** Higher first for rates; a row with no rate yet goes last. */
function byRate(pick: (row: InterfaceRow) => number | undefined) {
	return (a: InterfaceRow, b: InterfaceRow) => (pick(b) ?? -1) - (pick(a) ?? -1) || byName(a, b);
}

const xdpRank = (row: InterfaceRow) =>
	row.xdp.attachments.some(attachment => attachment.ours) ? 0 : row.xdp.attachments.length > 0 ? 1 : 2;

const COMPARATORS: Readonly<Record<SortKey, (a: InterfaceRow, b: InterfaceRow) => number>> = {
	name: byName,
	pps: byRate(row => row.rxPps),
	bps: byRate(row => row.rxBps),
	xdp: (a, b) => xdpRank(a) - xdpRank(b) || byName(a, b),
};

/** The rows on screen, in order: filtered by name (the live draft while typing), then sorted. */
export function visibleRows(rows: readonly InterfaceRow[], state: UiState): InterfaceRow[] {
	const filter = (state.mode.kind === 'filter' ? state.mode.draft : state.filter).toLowerCase();
	const kept = filter ? rows.filter(row => row.name.toLowerCase().includes(filter) || row.netns?.title.toLowerCase().includes(filter)) : [...rows];
	kept.sort(COMPARATORS[state.sort]);
	return state.reverse ? kept.reverse() : kept;
}

/** The longest filter kept: a name, with room to spare. */
const FILTER_MAX = 64;

/**
 * The filter draft after `input`: keys that came together (a paste, fast typing over a slow link)
 * arrive as one chunk, so each character counts, a backspace (DEL or BS) included; other control
 * characters, C1 (a one-byte CSI) among them, are dropped: the draft is drawn as typed.
 */
export function editFilter(draft: string, input: string): string {
	let characters = [...draft];
	for (const character of input) {
		if (character === '\u007f' || character === '\b') {
			characters = characters.slice(0, -1);
		} else if (character >= ' ' && !(character >= '\u0080' && character <= '\u009f')) {
			characters.push(character);
		}
	}
	return characters.slice(0, FILTER_MAX).join('');
}

/** Index of the selected row among `rows`; the first row when the selection is gone. */
export function selectedIndex(rows: readonly InterfaceRow[], state: UiState): number {
	const index = rows.findIndex(row => row.key === state.selectedKey);
	return index === -1 ? 0 : index;
}

/** Keeps the selected row inside the window of `height` rows starting at `scroll`. */
export function clampScroll(scroll: number, selected: number, height: number, count: number): number {
	let top = Math.min(scroll, Math.max(0, count - height));
	if (selected < top) {
		top = selected;
	} else if (selected >= top + height) {
		top = selected - height + 1;
	}
	return Math.max(0, top);
}

export function uiReducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'move': {
			const {rows} = action;
			if (rows.length === 0) {
				return state;
			}
			const current = selectedIndex(rows, state);
			const target =
				action.by === 'first' ? 0 : action.by === 'last' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, current + action.by));
			return {
				...state,
				selectedKey: rows[target]!.key,
				scroll: clampScroll(state.scroll, target, action.pageSize, rows.length),
			};
		}
		case 'sort': {
			const sort = SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length]!;
			return {...state, sort, status: {text: `sorted by ${sort === 'xdp' ? 'XDP first' : sort}`, tone: 'info'}};
		}
		case 'reverse':
			return {...state, reverse: !state.reverse};
		case 'filterStart':
			return {...state, mode: {kind: 'filter', draft: state.filter}};
		case 'filterEdit':
			return {...state, mode: {kind: 'filter', draft: action.draft}, scroll: 0};
		case 'filterAccept':
			return {...state, filter: state.mode.kind === 'filter' ? state.mode.draft : state.filter, mode: {kind: 'table'}};
		case 'filterCancel':
			return {...state, filter: '', mode: {kind: 'table'}, scroll: 0};
		case 'help':
			return {...state, mode: action.open ? {kind: 'help'} : {kind: 'table'}};
		case 'perCpu':
			return {...state, perCpu: !state.perCpu};
		case 'confirm':
			return {...state, mode: {kind: 'confirm', key: action.key, target: action.target, question: action.question}};
		case 'confirmDone':
			return {...state, mode: {kind: 'table'}};
		case 'status':
			return {...state, status: {text: action.text, tone: action.tone}};
		case 'modeResult': {
			const refused = new Map(state.refused);
			if (action.ok) {
				refused.delete(action.key);
			} else {
				refused.set(action.key, action.target);
			}
			return {...state, refused, status: {text: action.message, tone: action.ok ? 'success' : 'error'}};
		}
	}
}
