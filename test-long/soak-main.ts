/**
 * Inside a namespace with many interfaces: the real engine ticks as fast as it can, 100,000
 * times, into the real UI rendered headless. Prints one JSON line of figures.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {createElement} from 'react';
import {XdpSession} from '../source/bpf/session.js';
import {MonitorEngine} from '../source/monitor/engine.js';
import {App} from '../source/ui/App.js';
import {colorTheme} from '../source/ui/theme.js';

const TICKS = Number(process.argv[2]);

class Terminal extends EventEmitter {
	readonly columns = 120;
	readonly rows = 40;
	readonly isTTY = true;
	frames = 0;
	write(): boolean {
		this.frames++;
		return true;
	}
}

const gc = () => (globalThis as {gc?: () => void}).gc?.();
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const handles = () => (process as unknown as {_getActiveHandles(): unknown[]})._getActiveHandles().length;

const session = new XdpSession();
const engine = new MonitorEngine(session, {intervalSeconds: 60, interfaces: [], sshInterface: undefined, demo: false});
await engine.tick();
const rows = engine.snapshot.rows.length;
const stdout = new Terminal();
const stdin = Object.assign(new EventEmitter(), {isTTY: true, setRawMode() {}, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null});
const app = render(createElement(App, {port: engine, initial: engine.snapshot, defaultMode: 'drv', ascii: false, theme: colorTheme}), {
	stdout: stdout as unknown as NodeJS.WriteStream,
	stdin: stdin as unknown as NodeJS.ReadStream,
	exitOnCtrlC: false,
	patchConsole: false,
	maxFps: 30,
});

const warmup = Math.min(1000, TICKS / 10);
for (let tick = 0; tick < warmup; tick++) {
	await engine.tick();
}
gc();
const handlesStart = handles();
const start = {rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, at: performance.now(), frames: stdout.frames};
for (let tick = warmup; tick < TICKS; tick++) {
	await engine.tick();
	if (tick % 50 === 0) {
		await new Promise(resolve => setImmediate(resolve)); // Let Ink's throttled frames out.
	}
}
await new Promise(resolve => setTimeout(resolve, 100));
gc();
const end = {rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, at: performance.now(), frames: stdout.frames};
const handlesEnd = handles();
app.unmount();
engine.stop();
session.close();
process.stdout.write(
	`${JSON.stringify({
		rows,
		ticks: TICKS,
		tickMs: (end.at - start.at) / (TICKS - warmup),
		framesWritten: end.frames - start.frames,
		rssStartMb: mb(start.rss),
		rssEndMb: mb(end.rss),
		heapStartMb: mb(start.heap),
		heapEndMb: mb(end.heap),
		handlesStart,
		handlesEnd,
	})}\n`,
);
