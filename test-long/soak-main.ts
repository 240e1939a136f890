/**
 * Inside a namespace with many interfaces: the real engine ticks as fast as it can, 100,000
 * times, into the real UI rendered headless. Prints one JSON line of figures.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import koffi from 'koffi';
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

const mallocTrim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
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

const SAMPLES = 10;
const warmup = Math.min(1000, TICKS / 10);
for (let tick = 0; tick < warmup; tick++) {
	await engine.tick();
}

/** Memory at rest: after Ink's frames are out, a full GC, and glibc handing its free pages back (so RSS shows what is held, not what malloc keeps for later). */
async function memoryAtRest() {
	await new Promise(resolve => setTimeout(resolve, 100));
	gc();
	mallocTrim(0);
	const {rss, heapUsed, heapTotal} = process.memoryUsage();
	return {rss, heap: heapUsed, offHeap: rss - heapTotal};
}

const samples = [await memoryAtRest()];
const handlesStart = handles();
const framesStart = stdout.frames;
let tickingMs = 0;
const every = Math.ceil((TICKS - warmup) / SAMPLES);
for (let tick = warmup; tick < TICKS; ) {
	const stretchStart = performance.now();
	const stretchEnd = Math.min(TICKS, tick + every);
	for (; tick < stretchEnd; tick++) {
		await engine.tick();
		if (tick % 50 === 0) {
			await new Promise(resolve => setImmediate(resolve)); // Let Ink's throttled frames out.
		}
	}
	tickingMs += performance.now() - stretchStart;
	samples.push(await memoryAtRest());
}
const handlesEnd = handles();
app.unmount();
engine.stop();
session.close();
process.stdout.write(
	`${JSON.stringify({
		rows,
		ticks: TICKS,
		tickMs: tickingMs / (TICKS - warmup),
		framesWritten: stdout.frames - framesStart,
		rssMb: samples.map(({rss}) => mb(rss)),
		heapMb: samples.map(({heap}) => mb(heap)),
		offHeapMb: samples.map(({offHeap}) => mb(offHeap)),
		handlesStart,
		handlesEnd,
	})}\n`,
);
