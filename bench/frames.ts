/**
 * Section 4, last part: how long one frame takes with 2,000 interfaces (headless render), from
 * new data to the frame written.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {createElement} from 'react';
import {Ring} from '../source/model/ring.js';
import {App} from '../source/ui/App.js';
import {colorTheme} from '../source/ui/theme.js';
import {FakePort, makeRow} from '../test/helpers/fake-port.js';
import {sendFigures} from './namespace.js';
import {median} from './report.js';

class Terminal extends EventEmitter {
	readonly columns = 120;
	readonly rows = 40;
	readonly isTTY = true;
	onWrite: (() => void) | undefined;
	write(): boolean {
		this.onWrite?.();
		return true;
	}
}

async function measureLargeFrames(): Promise<void> {
	// Each row keeps its history in a ring, as the engine does.
	const rows = Array.from({length: 2000}, (_, index) => makeRow(`veth${index}`, index + 1, {ppsHistory: new Ring<number>(120)}));
	const port = new FakePort(rows);
	const stdout = new Terminal();
	const stdin = Object.assign(new EventEmitter(), {isTTY: true, setRawMode() {}, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null});
	const app = render(createElement(App, {port, initial: port.snapshot, defaultMode: 'drv', ascii: false, theme: colorTheme}), {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	const samples: number[] = [];
	for (let tick = 0; tick < 30; tick++) {
		const written = new Promise<void>(resolve => {
			stdout.onWrite = resolve;
		});
		const start = performance.now();
		// A new sample for every row, as a tick brings.
		port.update(current =>
			current.map(row => {
				(row.ppsHistory as Ring<number>).push(tick);
				return {...row, rxPps: (row.rxPps ?? 0) + 1};
			}),
		);
		await written;
		samples.push(performance.now() - start);
	}
	app.unmount();
	const ms = median(samples);
	sendFigures([{metric: 'frame with 2,000 interfaces', value: ms, unit: 'ms', target: '<= 30 ms', met: ms <= 30}]);
}

// Run as its own bundled program (build/bench/frames.mjs), so it measures the UI as shipped.
await measureLargeFrames();
