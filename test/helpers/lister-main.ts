/**
 * The monitor's interface lister on its own, for tests that run it where `ip` is a stand-in
 * (test/helpers/standin-ip.ts): one JSON request per line on stdin, one JSON answer per line.
 */
import {createInterface} from 'node:readline';
import {InterfaceLister} from '../../source/net/interfaces.js';

export interface ListerRequest {
	readonly op: 'list';
	readonly timeoutMs: number;
}

export type ListerReply = {ok: true; names: string[]; notices: string[]} | {ok: false; message: string; notices: string[]};

const notices: string[] = [];
const lister = new InterfaceLister({onRestart: reason => notices.push(reason)});

for await (const line of createInterface({input: process.stdin})) {
	const request = JSON.parse(line) as ListerRequest;
	let reply: ListerReply;
	try {
		const interfaces = await lister.list(request.timeoutMs);
		reply = {ok: true, names: interfaces.map(entry => entry.name), notices: notices.splice(0)};
	} catch (error) {
		reply = {ok: false, message: error instanceof Error ? error.message : String(error), notices: notices.splice(0)};
	}
	process.stdout.write(`${JSON.stringify(reply)}\n`);
}
lister.close();
