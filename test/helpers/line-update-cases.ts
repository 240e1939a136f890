/** Cases for the writer of changed lines (source/bundle/line-update.ts), shared by its tests. */
import assert from 'node:assert/strict';
import {changedLine} from '../../source/bundle/line-update.js';
import {TerminalRow} from './terminal-row.js';

const WIDTH = 160;
export const ESC = '\u001B';

/** What the terminal shows after Ink's whole line, on a blank row. */
const drawnWhole = (line: string) => new TerminalRow(WIDTH).write(`${ESC}[1G${line}${ESC}[K`);

export function assertUpdates(previous: string, next: string): string {
	const update = changedLine(previous, next);
	const row = drawnWhole(previous).write(update);
	assert.deepEqual(row.cells, drawnWhole(next).cells, `${JSON.stringify(previous)} -> ${JSON.stringify(next)}: ${JSON.stringify(update)}`);
	assert.ok(row.pen.isDefault, `the pen is left at its default: ${JSON.stringify(update)}`);
	return update;
}

export function randomLines(seed: number) {
	const random = (below: number) => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed % below;
	};
	const words = ['lan0', ' ', '  ', 'up', 'veth', '—', '…', '▁▂▃', '█', '┤', '╭─╮', '978', '470k', '·', '>', 'x'];
	const styles: Array<[string, string]> = [
		['', ''],
		[`${ESC}[36m`, `${ESC}[39m`],
		[`${ESC}[7m`, `${ESC}[27m`],
		[`${ESC}[1m`, `${ESC}[22m`],
		[`${ESC}[2m`, `${ESC}[22m`],
		[`${ESC}[1m${ESC}[34m`, `${ESC}[39m${ESC}[22m`],
		[`${ESC}[31m`, `${ESC}[0m`],
		[`${ESC}[38;5;208m`, `${ESC}[39m`],
		[`${ESC}[44m`, `${ESC}[49m`],
	];
	const piece = () => {
		const [open, close] = styles[random(styles.length)]!;
		return open + words[random(words.length)]! + close;
	};
	const line = () => Array.from({length: 1 + random(30)}, piece);
	const changed = (pieces: readonly string[]) => {
		const result = pieces.slice();
		for (let change = random(6); change > 0; change--) {
			const at = random(result.length + 1);
			const kind = random(3);
			if (kind === 0) {
				result.splice(at, 1, piece());
			} else if (kind === 1) {
				result.splice(at, 0, piece());
			} else {
				result.splice(at, 1);
			}
		}
		return result;
	};
	return {line, changed};
}

