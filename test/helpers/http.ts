/**
 * HTTP from inside a test's network namespace (its loopback is not the test's): a node run there
 * with nsenter, given a small script, bounded in time.
 */
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';

export interface Answer {
	readonly status: number;
	readonly contentType: string;
	readonly body: string;
	readonly ms: number;
}

const FETCH = `
const [url, accept] = process.argv.slice(1);
const started = performance.now();
const response = await fetch(url, {headers: accept ? {accept} : {}, signal: AbortSignal.timeout(10000)});
const body = await response.text();
process.stdout.write(JSON.stringify({status: response.status, contentType: response.headers.get('content-type') ?? '', body, ms: performance.now() - started}));
`;

/** GET `url` from inside `namespace` (a name under /run/netns). */
export function fetchIn(namespace: string, url: string, accept?: string): Answer {
	const result = spawnSync('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, '--input-type=module', '-e', FETCH, url, accept ?? ''], {encoding: 'utf8', timeout: 20_000});
	if (result.status !== 0) {
		throw new Error(`fetch ${url} in ${namespace} failed: ${result.stderr}`);
	}
	return JSON.parse(result.stdout) as Answer;
}

const STALL = `
import {connect} from 'node:net';
const [port, count] = process.argv.slice(1).map(Number);
const sockets = [];
for (let index = 0; index < count; index++) {
	const socket = connect(port, '127.0.0.1');
	socket.on('error', () => {});
	// Half a request, never finished (the server's timeout ends it), or a whole one never read.
	socket.write(index % 2 ? 'GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n' : 'GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'.repeat(50));
	socket.pause();
	sockets.push(socket);
}
process.stdout.write('stalling\\n');
setTimeout(() => process.exit(0), 15000);
`;

/** Clients that hold `count` connections to 127.0.0.1:`port` in `namespace` without finishing or reading; kill() ends them. */
export async function stallingClients(namespace: string, port: number, count: number) {
	const child = spawn('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, '--input-type=module', '-e', STALL, String(port), String(count)], {stdio: ['ignore', 'pipe', 'inherit']});
	await once(child.stdout, 'data');
	return child;
}

const RAW = `
import {connect} from 'node:net';
const [port, request] = process.argv.slice(1);
const socket = connect(Number(port), '127.0.0.1');
let answer = '';
socket.on('data', chunk => (answer += chunk.toString()));
socket.on('error', () => {});
socket.on('close', () => process.stdout.write(answer));
socket.write(Buffer.from(request, 'base64'));
setTimeout(() => socket.destroy(), 5000);
`;

/** Sends `request` as it is over one connection to 127.0.0.1:`port` in `namespace`; returns what came back. */
export function rawRequest(namespace: string, port: number, request: string | Buffer): string {
	const result = spawnSync('nsenter', [`--net=/run/netns/${namespace}`, process.execPath, '--input-type=module', '-e', RAW, String(port), Buffer.from(request).toString('base64')], {encoding: 'utf8', timeout: 20_000});
	return result.stdout;
}
