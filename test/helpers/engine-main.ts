/**
 * The monitor's engine with a real XdpSession and no UI, ticked on request, for kernel tests that
 * need control over each tick (run it in a lab namespace, with a stand-in ip where needed): one
 * JSON request per line on stdin, one JSON answer per line.
 */
import {createInterface} from 'node:readline';
import {XdpSession} from '../../source/bpf/session.js';
import {type ModeTarget} from '../../source/model/monitor.js';
import {MonitorEngine} from '../../source/monitor/engine.js';

export type EngineRequest =
	| {op: 'tick'}
	/** Starts a tick and answers at once; tickEnd waits for it: what happens in between races it. */
	| {op: 'tickStart'}
	| {op: 'tickEnd'}
	| {op: 'setMode'; ifname: string; target: ModeTarget}
	| {op: 'owned'}
	| {op: 'close'; keep: boolean};

export interface EngineRow {
	readonly name: string;
	readonly ifindex: number;
	readonly ours: boolean;
	readonly mode: string;
}

export type EngineReply = {ok: true; value: unknown} | {ok: false; message: string};

const session = new XdpSession();
const engine = new MonitorEngine(session, {intervalSeconds: 60, interfaces: [], sshInterface: undefined, demo: false});

const rows = (): EngineRow[] =>
	engine.snapshot.rows.map(row => ({name: row.name, ifindex: row.ifindex, ours: row.xdp.attachments.some(attachment => attachment.ours), mode: row.xdp.attachMode}));

let started: Promise<void> | undefined;

async function handle(request: EngineRequest): Promise<unknown> {
	switch (request.op) {
		case 'tick':
			await engine.tick();
			return rows();
		case 'tickStart':
			started = engine.tick();
			return null;
		case 'tickEnd':
			await started;
			return rows();
		case 'setMode': {
			const row = engine.snapshot.rows.find(candidate => candidate.name === request.ifname);
			if (!row) {
				throw new Error(`no row ${request.ifname}`);
			}
			return engine.setMode(row.key, request.target);
		}
		case 'owned':
			return session.owned();
		case 'close':
			engine.stop();
			return session.close({keep: request.keep});
	}
}

for await (const line of createInterface({input: process.stdin})) {
	let reply: EngineReply;
	try {
		reply = {ok: true, value: await handle(JSON.parse(line) as EngineRequest)};
	} catch (error) {
		reply = {ok: false, message: error instanceof Error ? error.message : String(error)};
	}
	process.stdout.write(`${JSON.stringify(reply)}\n`);
}
engine.stop();
session.close();
