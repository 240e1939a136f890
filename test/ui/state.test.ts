import assert from 'node:assert/strict';
import {test} from 'node:test';
import {anchorFrames} from '../../source/ui/anchored-stdout.js';
import {commandFor, hintLine, KEY_BINDINGS} from '../../source/ui/keys.js';
import {columnsFor, layoutFor} from '../../source/ui/layout.js';
import {clampScroll, editFilter, initialUiState, initialUiStateFor, uiReducer, visibleRows} from '../../source/ui/state.js';
import {makeRow} from '../helpers/fake-port.js';

test('scrolling keeps the selected row on screen', () => {
	assert.equal(clampScroll(0, 5, 10, 100), 0);
	assert.equal(clampScroll(0, 12, 10, 100), 3);
	assert.equal(clampScroll(50, 20, 10, 100), 20);
	assert.equal(clampScroll(95, 99, 10, 100), 90, 'never past the last page');
	assert.equal(clampScroll(5, 0, 10, 3), 0);
});

test('a refusal is remembered per interface until that interface succeeds', () => {
	let state = uiReducer(initialUiState, {type: 'modeResult', key: '3', target: 'hw', ok: false, message: 'no'});
	assert.equal(state.refused.get('3'), 'hw');
	assert.equal(state.status.tone, 'error');
	state = uiReducer(state, {type: 'modeResult', key: '3', target: 'off', ok: true, message: 'ok'});
	assert.equal(state.refused.has('3'), false);
});

test('moving past either end stops there; an empty table ignores moves', () => {
	const rows = [makeRow('a', 1), makeRow('b', 2)];
	const down = uiReducer(initialUiState, {type: 'move', rows, by: 5, pageSize: 10});
	assert.equal(down.selectedKey, '2');
	const up = uiReducer(down, {type: 'move', rows, by: -5, pageSize: 10});
	assert.equal(up.selectedKey, '1');
	assert.equal(uiReducer(initialUiState, {type: 'move', rows: [], by: 1, pageSize: 10}), initialUiState);
});

test('every key in the table maps back to its command', () => {
	const flags: Record<string, object> = {'↑': {upArrow: true}, '↓': {downArrow: true}, PgUp: {pageUp: true}, PgDn: {pageDown: true}, Home: {home: true}, End: {end: true}, 'Ctrl-C': {ctrl: true}};
	for (const binding of KEY_BINDINGS) {
		for (const key of binding.keys) {
			const input = key === 'space' ? ' ' : key === 'Ctrl-C' ? 'c' : key.length === 1 && !(key in flags) ? key : '';
			assert.equal(commandFor(input, flags[key] ?? {}), binding.command, `${key} -> ${binding.command}`);
		}
	}
	assert.equal(commandFor('x', {}), undefined);
	assert.equal(commandFor('q', {meta: true}), undefined);
});

test('key hints fit the room they are given', () => {
	assert.equal(hintLine(5), '');
	assert.ok(hintLine(40).length <= 40);
	assert.match(hintLine(200), /^space attach\/detach  m mode/);
});

test('layout keeps the frame at rows - 1 and the columns within the width', () => {
	for (const [width, height] of [[80, 24], [120, 40], [60, 12], [200, 60]] as const) {
		const layout = layoutFor(width, height);
		assert.equal(layout.tooSmall, false);
		assert.equal(5 + layout.tableRows + layout.detailRows, height - 1, `${width}x${height}`);
		const columns = columnsFor(width);
		const used = 2 + Object.values(columns).reduce((sum, value) => sum + (value > 0 ? value + 1 : 0), 0);
		assert.ok(used <= width + 1, `${used} cells at ${width}`);
	}
	for (const width of [60, 80, 100, 120, 200]) {
		const columns = columnsFor(width, true);
		const used = 2 + Object.values(columns).reduce((sum, value) => sum + (value > 0 ? value + 1 : 0), 0);
		assert.ok(used <= width + 1, `-A: ${used} cells at ${width}`);
		assert.ok(columns.netns >= 9 && columns.name >= 11 && columns.xdp > 0 && columns.pps > 0, `-A at ${width}: ${JSON.stringify(columns)}`);
	}
	assert.equal(columnsFor(120).netns, 0, 'no NETNS column without -A');
	assert.equal(layoutFor(59, 24).tooSmall, true);
	assert.equal(layoutFor(80, 11).tooSmall, true);
});

test('-A: rows sort by namespace (own first), then name; the filter matches a namespace too', () => {
	const rows = [
		makeRow('eth0', 2, {key: '7:2', netns: {title: 'blue', order: 2}}),
		makeRow('lo', 1, {key: '1', netns: {title: 'own', order: 0}}),
		makeRow('eth0', 2, {key: '2', netns: {title: 'own', order: 0}}),
		makeRow('a', 5, {key: '9:5', netns: {title: 'sleep:42', order: 1}}),
	];
	assert.deepEqual(visibleRows(rows, initialUiState).map(row => row.key), ['2', '1', '9:5', '7:2']);
	assert.deepEqual(visibleRows(rows, {...initialUiState, filter: 'sleep'}).map(row => row.key), ['9:5']);
	const selected = uiReducer(initialUiState, {type: 'move', rows: visibleRows(rows, initialUiState), by: 'last', pageSize: 10});
	assert.equal(selected.selectedKey, '7:2', 'the same ifindex in two namespaces is two rows');
});

test('the filter takes a chunk of keys one by one: backspaces in it erase, other control bytes are dropped', () => {
	assert.equal(editFilter('eth', '0'), 'eth0');
	assert.equal(editFilter('xm12h', '\u007f'.repeat(20) + 'xm12c'), 'xm12c');
	assert.equal(editFilter('ab', 'c\bd\u001b[A'), 'abd[A');
	assert.equal(editFilter('', 'a\u009b2Jb\u0085c'), 'a2Jbc');
	assert.equal(editFilter('', 'x'.repeat(100)).length, 64);
});

test("Ink's frames are anchored at the top of the screen; other writes pass unchanged", () => {
	assert.equal(anchorFrames('\u001B[38A\u001B[Erow'), '\u001B[H\u001B[Erow');
	assert.equal(anchorFrames('plain \u001B[2A text'), 'plain \u001B[2A text');
	assert.equal(anchorFrames('\u001B[?2026h'), '\u001B[?2026h');
	// Ink's log.clear() (the terminal got narrower): the screen is cleared from the top instead.
	assert.equal(anchorFrames('\u001B[2K\u001B[1A\u001B[2K\u001B[1A\u001B[2K\u001B[G'), '\u001B[H\u001B[2J');
	assert.equal(anchorFrames('\u001B[2K\u001B[G'), '\u001B[H\u001B[2J');
	assert.equal(anchorFrames('\u001B[2K\u001B[Gnext'), '\u001B[2K\u001B[Gnext', 'only an erase alone');
});

test('a demo starts with what it sends, and for how long, in the status line; a monitor with its hint', () => {
	assert.deepEqual(initialUiStateFor(false), initialUiState);
	const demo = initialUiStateFor(true);
	assert.match(demo.status.text, /^demo: ~2,500 frames\/s arrive on demo0 for 60 min; /);
	assert.equal(demo.status.tone, 'info');
});
