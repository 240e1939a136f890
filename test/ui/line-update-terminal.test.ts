/**
 * The bundle's changed-line writer in a real terminal (tmux): monitor-like frames drawn one after
 * another through the bundled Ink log-update, and each one also drawn alone on a cleared screen
 * in another pane; after every frame both panes must hold the same characters in the same styles.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {normalizedScreen} from '../helpers/terminal-row.js';
import {TmuxTerminal} from '../helpers/tmux.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESC = '\u001B';
const FRAMES = 25;
const COLUMNS = 100;

/** Frames like the monitor's: a clock, rows whose rates and history move, a selection that moves, a chart, a wide character. */
function frames(): string[] {
	let seed = 7;
	const random = (below: number) => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed % below;
	};
	const bars = '▁▂▃▄▅▆▇█';
	const histories = Array.from({length: 20}, () => Array.from({length: 15}, () => random(8)));
	const result: string[] = [];
	let selected = 0;
	for (let frame = 0; frame < FRAMES; frame++) {
		const lines = [`${ESC}[1m${ESC}[36mxdptop  host vm  every 1.0s  10:00:${String(frame).padStart(2, '0')}${ESC}[39m${ESC}[22m`, `${ESC}[1m${ESC}[34m  IFACE   STATE  RX pps  HISTORY${ESC}[39m${ESC}[22m`];
		if (random(4) === 0) {
			selected = random(20);
		}
		for (let index = 0; index < 20; index++) {
			const history = histories[index]!;
			if (random(3) > 0) {
				history.shift();
				history.push(random(8));
			}
			const name = index === 13 ? 'wan日本' : `lan${index}`;
			const pps = String(random(2) === 0 ? 0 : random(100_000)).padStart(7);
			const state = random(10) === 0 ? `${ESC}[31mdown${ESC}[39m` : 'up  ';
			const body = `${index === selected ? '>' : ' '} ${name.padEnd(8)}${state}  ${pps}  ${ESC}[36m${history.map(level => bars[level]).join('')}${ESC}[39m`;
			lines.push(index === selected ? `${ESC}[7m${body}${ESC}[27m` : body);
		}
		lines.push('─'.repeat(60 + random(20)));
		for (let row = 0; row < 5; row++) {
			lines.push(`${String(900 + row * 10).padStart(6)} ┤${' '.repeat(random(30))}╭─╮${random(2) === 0 ? `${ESC}[2m·${ESC}[22m` : ''}`);
		}
		result.push(lines.join('\n'));
	}
	return result;
}

/** Waits until the pane drew `count` frames; the bytes it wrote for them. */
async function waitForCount(file: string, count: number): Promise<number> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		try {
			const [frames, bytes] = readFileSync(file, 'utf8').split(' ').map(Number);
			if (frames! >= count) {
				return bytes!;
			}
		} catch {
			// Not written yet.
		}
		await sleep(10);
	}
	throw new Error(`${file} never reached ${count}`);
}

test('after every frame, the incremental pane shows what the frame drawn alone shows, styles included', async () => {
	const scratch = mkdtempSync(join(tmpdir(), 'xdptop-line-update-'));
	const terminals: TmuxTerminal[] = [];
	try {
		const replay = join(scratch, 'replay.mjs');
		execFileSync(process.execPath, ['--import', 'tsx', 'source/bundle/build.ts', 'test/fixtures/log-update-replay.ts', replay], {cwd: ROOT, stdio: 'inherit'});
		const framesFile = join(scratch, 'frames.json');
		const drawn = frames();
		writeFileSync(framesFile, JSON.stringify(drawn));
		const panes = (['incremental', 'whole'] as const).map(mode => {
			const progress = join(scratch, `${mode}.count`);
			const terminal = new TmuxTerminal([process.execPath, replay, framesFile, mode, progress], {columns: COLUMNS, rows: 40}, {LANG: 'C.UTF-8'});
			terminals.push(terminal);
			return {terminal, progress};
		});
		await sleep(300);
		let firstFrameBytes = 0;
		let bytes = 0;
		for (let frame = 1; frame <= drawn.length; frame++) {
			for (const [pane, {terminal, progress}] of panes.entries()) {
				terminal.keys('Enter');
				const written = await waitForCount(progress, frame);
				if (pane === 0) {
					firstFrameBytes ||= written;
					bytes = written;
				}
			}
			const [incremental, whole] = panes.map(({terminal}) => normalizedScreen(terminal.screenWithStyles(), COLUMNS));
			assert.equal(incremental, whole, `frame ${frame}`);
		}
		assert.match(panes[0]!.terminal.screen(), /10:00:24/, 'the last frame is on screen');
		// Ink would have written each line that changed whole: at least its characters.
		let wholeLines = 0;
		for (let frame = 1; frame < drawn.length; frame++) {
			const before = drawn[frame - 1]!.split('\n');
			wholeLines += drawn[frame]!.split('\n').filter((line, index) => line !== before[index]).reduce((sum, line) => sum + Buffer.byteLength(line), 0);
		}
		assert.ok(bytes - firstFrameBytes < wholeLines / 2, `only the changed cells: ${bytes - firstFrameBytes} bytes after the first frame, against ${wholeLines} in the lines that changed`);
	} finally {
		terminals.forEach(terminal => terminal.close());
		rmSync(scratch, {recursive: true, force: true});
	}
});
