/** Section 4, last part: how long one frame takes with 2,000 interfaces (headless render). */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {createElement} from 'react';
import {App} from '../source/ui/App.js';
import {colorTheme} from '../source/ui/theme.js';
import {FakePort, makeRow} from '../test/helpers/fake-port.js';
import {median, record} from './report.js';

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

export async function measureLargeFrames(): Promise<void> {
	const rows = Array.from({length: 2000}, (_, index) => makeRow(`veth${index}`, index + 1));
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
		port.update(current => current.map(row => ({...row, rxPps: (row.rxPps ?? 0) + 1, ppsHistory: [...row.ppsHistory.slice(-59), tick]})));
		await written;
		samples.push(performance.now() - start);
	}
	app.unmount();
	const ms = median(samples);
	record({metric: 'frame with 2,000 interfaces', value: ms, unit: 'ms', target: '<= 30 ms', met: ms <= 30});
}
