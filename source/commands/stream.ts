/**
 * -b (top's batch mode) and --listen (Prometheus): sample every interval until stopped, print
 * each sample, serve the last one, or both.
 */
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {finish, onCleanup, runCleanups, stopSignalsEndNormally} from '../lifecycle.js';
import {canReadProgramsById} from '../net/privileges.js';
import {type Command} from '../options.js';
import {formatOnce, onceJson} from './once-format.js';
import {roundResults, StreamSampler, type Round} from './stream-sampler.js';
import manifest from '../../package.json' with {type: 'json'};

type StreamCommand = Extract<Command, {kind: 'stream'}>;

interface Publisher {
	publish(round: Round, durationSeconds: number): void;
}

/** Binds before anything is attached: a port in use changes nothing on the host. */
async function startExporter(command: StreamCommand): Promise<Publisher | undefined> {
	if (!command.listen) {
		return undefined;
	}
	const [{MetricsText}, {serveMetrics}, {buildFamilies, ExceptionTotals}] = await Promise.all([
		import('../serve/registries.js'),
		import('../serve/http.js'),
		import('../serve/families.js'),
	]);
	const metrics = new MetricsText();
	const server = await serveMetrics(metrics, command.listen);
	onCleanup(() => {
		server.close();
		server.closeAllConnections();
	});
	const exceptions = new ExceptionTotals();
	return {
		publish(round, durationSeconds) {
			exceptions.add(round);
			metrics.update(buildFamilies(round, durationSeconds, exceptions, manifest.version));
		},
	};
}

function printBlock(command: StreamCommand, before: Round, after: Round): void {
	const results = roundResults(before, after, command.bpfStats);
	// A block after a late or failed sample covers more than one interval, and says so (JSON has
	// each interface's elapsedSeconds).
	const elapsedSeconds = (after.atMs - before.atMs) / 1000;
	const coveredSeconds = elapsedSeconds > 1.5 * command.intervalSeconds ? Number(elapsedSeconds.toFixed(1)) : command.intervalSeconds;
	const text = command.batch?.json
		? JSON.stringify({time: after.time.toISOString(), intervalSeconds: command.intervalSeconds, interfaces: onceJson(results, command.intervalSeconds)})
		: `${formatOnce(results, coveredSeconds, after.time)}\n`;
	process.stdout.write(`${text}\n`);
}

export async function runStream(command: StreamCommand): Promise<void> {
	stopSignalsEndNormally();
	if (command.batch) {
		// A reader that went away (`| head -3`) is the end of the stream, not an error.
		process.stdout.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'EPIPE' ? 0 : 1, error.code === 'EPIPE' ? undefined : `cannot write the output: ${error.message}`));
	}
	if (!canReadProgramsById()) {
		// A service given too few capabilities runs on: say once what it cannot see.
		process.stderr.write('xdptop: without CAP_SYS_ADMIN no attached program can be read by id: names, tags and the counts of xdptop\'s own program are missing\n');
	}
	const exporter = await startExporter(command);
	const sampler = await StreamSampler.open(command);
	const take = async (which: 'first' | 'interval'): Promise<Round | undefined> => {
		const startedMs = performance.now();
		try {
			const round = await sampler.sample();
			exporter?.publish(round, (performance.now() - startedMs) / 1000);
			return round;
		} catch (error) {
			// A sample that fails (ip hung) is skipped; the next interval tries again.
			const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
			process.stderr.write(`xdptop: ${which === 'first' ? 'no first sample' : 'no sample this interval'}: ${why}\n`);
			return undefined;
		}
	};
	let previous = await take('first');
	if (command.listen) {
		process.stderr.write(`xdptop: serving Prometheus metrics on http://${command.listen.display}/metrics\n`);
	}
	const intervalMs = command.intervalSeconds * 1000;
	const startMs = performance.now();
	const count = command.batch?.count;
	// -c counts samples, as top -n counts iterations: one that gives no block (it failed, the one
	// before it failed, or a slow reader made --listen drop it) still counts, and says why on
	// stderr, so the stream ends after N samples however the host behaves.
	let taken = 0;
	let blockless = 0;
	let readerBehind = false;
	for (let tick = 1; count === undefined || taken < count; tick++) {
		// On a fixed grid from the start, so the samples do not drift; a late one skips what it missed.
		const dueMs = startMs + tick * intervalMs;
		const now = performance.now();
		if (dueMs < now) {
			tick += Math.floor((now - dueMs) / intervalMs);
			continue;
		}
		await sleep(dueMs - now);
		const round = await take('interval');
		taken++;
		if (!command.batch) {
			continue; // --listen alone: take() published it.
		}
		if (!round) {
			blockless++;
			continue;
		}
		if (!previous) {
			blockless++;
			process.stderr.write('xdptop: no block this interval: its rates need the sample before it, which failed\n');
			previous = round;
			continue;
		}
		if (process.stdout.writableNeedDrain && command.listen) {
			// A reader that does not keep up must not stall the metrics: its samples are dropped
			// (said once while it is behind), and the next block covers the time since the last one.
			blockless++;
			if (!readerBehind) {
				process.stderr.write('xdptop: no block this interval: the reader of the output does not keep up\n');
			}
			readerBehind = true;
			continue;
		}
		printBlock(command, previous, round);
		previous = round;
		readerBehind = false;
		if (process.stdout.writableNeedDrain) {
			// Like top -b, wait for a slow reader rather than pile lines up in memory; the next
			// sample then covers the time waited (its elapsedSeconds says so).
			await once(process.stdout, 'drain');
		}
	}
	if (count !== undefined && blockless > 0) {
		finish(1, `no block for ${blockless} of ${count} samples (see above)`);
	}
	for (const line of runCleanups()) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
}
