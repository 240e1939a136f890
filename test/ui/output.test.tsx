/**
 * The bundle's Output (source/bundle/output.ts) against Ink's own: for every frame the monitor
 * draws here (colours on, several screens and sizes), the same characters with the same styles
 * in every cell, and the fast path taken; anything it does not take goes to Ink's, unchanged.
 */
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {after, describe, test} from 'node:test';
import {styledCharsFromTokens, tokenize} from '@alcalzone/ansi-tokenize';
import InkOutput from '../../node_modules/ink/build/output.js';
import Output, {closesItsStyles, replay, type Operation} from '../../source/bundle/output.js';
import {type InterfaceRow} from '../../source/model/monitor.js';
import {FakePort, makeRow, oursAttachment} from '../helpers/fake-port.js';

// Colours on before Ink (and chalk in it) is loaded.
process.env.FORCE_COLOR = '3';
const {render, cleanup} = await import('ink-testing-library');
const {App} = await import('../../source/ui/App.js');
const {colorTheme, noColorTheme} = await import('../../source/ui/theme.js');

/** Each cell as what the terminal shows: the character and the set of styles on it. */
function cells(frame: string): string[][] {
	return frame.split('\n').map(line => styledCharsFromTokens(tokenize(line)).map(cell => `${cell.value}|${cell.styles.map(style => style.code).sort().join('')}`));
}

/** Every frame Ink makes from now on, with what ours makes of the same operations. */
const compared: Array<{ink: string; ours: string; joined: boolean}> = [];
const originalGet = InkOutput.prototype.get;
let comparing = false;
InkOutput.prototype.get = function (this: InkOutput) {
	const result = originalGet.call(this);
	if (comparing) {
		return result; // Ours asking Ink's for a frame it leaves to it.
	}
	comparing = true;
	const ours = new Output({width: this.width, height: this.height});
	// Ink's operations are private to its types, not at run time.
	replay((this as unknown as {operations: Operation[]}).operations, ours);
	const mine = ours.get();
	comparing = false;
	compared.push({ink: result.output, ours: mine.output, joined: ours.joined});
	assert.equal(mine.height, result.height);
	return result;
};
after(() => {
	InkOutput.prototype.get = originalGet;
	cleanup();
});

function rows(): InterfaceRow[] {
	return Array.from({length: 20}, (_, index) =>
		makeRow(`veth${index}`, index + 1, index < 5
			? {
				source: 'xdp',
				xdp: {attachMode: 'skb', attachments: [oursAttachment('skb')]},
				actions: [['PASS', 5000 + index], ['DROP', 0]].map(([label, pps]) => ({label: String(label), pps: Number(pps)})),
				protos: [['IPv4 UDP', 3000], ['IPv4 TCP', 1000 + index], ['ARP', 5]].map(([label, pps]) => ({label: String(label), pps: Number(pps)})),
			}
			: {}),
	);
}

async function screens(columns: number, height: number, theme: typeof colorTheme): Promise<void> {
	const port = new FakePort(rows());
	const app = render(<></>);
	Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(app.stdout, 'rows', {value: height, configurable: true});
	app.rerender(<App port={port} initial={port.snapshot} defaultMode="drv" ascii={false} theme={theme} />);
	const settle = () => sleep(80);
	await settle();
	for (let tick = 0; tick < 3; tick++) {
		port.update(current => current.map((row, index) => ({...row, rxPps: (row.rxPps ?? 0) + tick * 977 + index, ppsHistory: [...row.ppsHistory.slice(1), tick * index]})));
		await settle();
	}
	for (const key of ['\u001B[B', '\u001B[B', ' ', 'm', 's', 'c', '?', 'x', '/', 'v', 'e', '\r', 'G']) {
		app.stdin.write(key);
		await settle();
	}
	app.unmount();
}

describe("the monitor's frames, cell by cell", () => {
	for (const [columns, height, theme, label] of [
		[120, 40, colorTheme, '120x40, colours'],
		[80, 24, colorTheme, '80x24, colours'],
		[100, 30, noColorTheme, '100x30, no colours'],
	] as const) {
		test(label, async () => {
			compared.length = 0;
			await screens(columns, height, theme);
			assert.ok(compared.length >= 10, `${compared.length} frames`);
			assert.ok(compared.some(frame => frame.ink.includes('\u001B[')) || theme === noColorTheme, 'styled frames were drawn');
			for (const [index, frame] of compared.entries()) {
				assert.deepEqual(cells(frame.ours), cells(frame.ink), `frame ${index}`);
				assert.ok(frame.joined, `frame ${index} took the fast path:\n${frame.ink}`);
			}
		});
	}
});

describe('what the fast path leaves to Ink', () => {
	const frameOf = (build: (output: Output | InkOutput) => void) => {
		const [ours, ink] = [new Output({width: 12, height: 2}), new InkOutput({width: 12, height: 2})];
		build(ours);
		build(ink);
		return {ours: ours.get().output, ink: ink.get().output, joined: ours.joined};
	};
	const none = {transformers: []};
	for (const [label, build] of [
		['overlapping pieces', (output: Output | InkOutput) => {
			output.write(0, 0, 'abcdef', none);
			output.write(3, 0, '\u001B[1mXY\u001B[22m', none);
		}],
		['a clip', (output: Output | InkOutput) => {
			output.clip({x1: 2, x2: 5, y1: undefined, y2: undefined});
			output.write(0, 0, 'abcdefgh', none);
			output.unclip();
		}],
		['a style left open', (output: Output | InkOutput) => {
			output.write(0, 0, '\u001B[31mred', none);
			output.write(6, 0, 'plain', none);
		}],
		['a wide character', (output: Output | InkOutput) => {
			output.write(0, 1, 'a世b', none);
		}],
		['a piece past the right edge', (output: Output | InkOutput) => {
			output.write(8, 0, 'abcdefgh', none);
		}],
	] as const) {
		test(label, () => {
			const frame = frameOf(build);
			assert.equal(frame.joined, false);
			assert.equal(frame.ours, frame.ink);
		});
	}

	test('pieces side by side, gaps, several lines and transformers: joined, the same cells', () => {
		const frame = frameOf(output => {
			output.write(1, 0, '\u001B[32mok\u001B[39m', none);
			output.write(6, 0, 'x\ny', {transformers: [(line: string) => `[${line}]`] as never[]});
			output.write(0, 1, 'ab', none);
		});
		assert.equal(frame.joined, true);
		assert.deepEqual(cells(frame.ours), cells(frame.ink));
	});
});

test("a piece said to close its styles does so in the tokenizer's reading too; with chalk's codes they always agree (5,000 random pieces)", () => {
	const canonical = ['0', '1', '2', '22', '3', '23', '4', '24', '7', '27', '8', '28', '9', '29', '53', '55', '31', '39', '91', '41', '49', '101', '38;5;200', '48;5;17', '38;2;1;2;3', '48;2;9;8;7', '1;31', '22;39', '0;1'];
	const odd = ['', ';', '1;', '022', '05', '5', '25', '6', '38;05;1', '38;5'];
	let state = 0x2545_f491;
	const next = (below: number) => {
		// xorshift32: every bit of the state changes, so small moduli see all their values.
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) % below;
	};
	const used = new Set<string>();
	for (let round = 0; round < 5000; round++) {
		const pool = round % 2 === 0 ? canonical : [...canonical, ...odd];
		let text = '';
		for (let piece = next(5); piece >= 0; piece--) {
			const code = pool[next(pool.length)]!;
			used.add(code);
			text += `\u001B[${code}m${'ab'.slice(0, next(3))}`;
		}
		const exact = styledCharsFromTokens(tokenize(`${text}.`)).at(-1)!.styles.length === 0;
		if (pool === canonical) {
			assert.equal(closesItsStyles(text), exact, JSON.stringify(text));
		} else if (closesItsStyles(text)) {
			assert.ok(exact, JSON.stringify(text));
		}
	}
	assert.equal(used.size, canonical.length + odd.length, 'every code was drawn');
	for (const text of ['\u001B[1mA\u001B[mB', '\u001B[38;05;1mA\u001B[39m', '\u001B[5mA\u001B[25m', '\u001B[1;mA\u001B[22m']) {
		assert.equal(closesItsStyles(text), false, `${JSON.stringify(text)} goes to Ink's Output`);
	}
});

test('a write that starts above the frame goes to Ink, which drops all its lines', () => {
	const [ours, ink] = [new Output({width: 20, height: 2}), new InkOutput({width: 20, height: 2})];
	for (const output of [ours, ink]) {
		output.write(0, -1, 'top\nrow0', {transformers: []});
	}
	assert.equal(ours.get().output, ink.get().output);
	assert.equal(ours.joined, false);
});
