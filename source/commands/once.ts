import {setTimeout as sleep} from 'node:timers/promises';
import {runCleanups} from '../lifecycle.js';
import {type Command} from '../options.js';
import {formatOnce, onceJson} from './once-format.js';
import {roundResults, StreamSampler} from './stream-sampler.js';

/** Samples twice, one interval apart; with --attach, ours is attached only for that window. */
export async function runOnce(command: Extract<Command, {kind: 'once'}>): Promise<void> {
	const sampler = await StreamSampler.open(command);
	const before = await sampler.sample();
	await sleep(command.intervalSeconds * 1000);
	const after = await sampler.sample();
	const results = roundResults(before, after, command.bpfStats);
	const output = command.json
		? JSON.stringify(onceJson(results, command.intervalSeconds), null, 2)
		: formatOnce(results, command.intervalSeconds);
	process.stdout.write(`${output}\n`);
	for (const line of runCleanups()) {
		process.stderr.write(`xdptop: ${line}\n`);
	}
}
