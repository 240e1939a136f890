/**
 * The /metrics endpoint. A scrape does no kernel work: it is answered from the last sample's
 * rendered bytes. Clients are not trusted to be quick: at most MAX_CONNECTIONS sockets are kept,
 * and a new one pushes out the oldest (a stalled or slow client holds its socket the longest, a
 * scrape takes milliseconds), so no number of idle clients locks Prometheus out; a request must
 * arrive within REQUEST_TIMEOUT_MS and a socket that does nothing for SOCKET_IDLE_MS is closed.
 */
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import {type Socket} from 'node:net';
import {UsageError, type ListenAddress} from '../options.js';
import {negotiateFormat} from './negotiate.js';
import {CONTENT_TYPES, type MetricsText} from './registries.js';

const MAX_CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 5000;
const SOCKET_IDLE_MS = 10_000;
/** How often Node looks for requests past REQUEST_TIMEOUT_MS (its default is 30 s). */
const TIMEOUT_CHECK_MS = 1000;

const TEXT = {'Content-Type': 'text/plain; charset=utf-8'};
const INDEX = 'xdptop: Prometheus metrics are at /metrics\n';

export interface Reply {
	readonly status: number;
	readonly headers: Readonly<Record<string, string | number>>;
	/** Left out for HEAD. */
	readonly body: Buffer | string | undefined;
}

const plain = (status: number, text: string, headers: Record<string, string> = {}): Reply => ({status, headers: {...TEXT, ...headers}, body: text});

/** The answer to one request, from the last sample; kernel work never happens here. */
export async function reply(metrics: MetricsText, method: string | undefined, url: string | undefined, accept: string | undefined): Promise<Reply> {
	const path = (url ?? '/').split('?')[0];
	const head = method === 'HEAD';
	if (method !== 'GET' && !head) {
		return plain(405, 'only GET and HEAD\n', {Allow: 'GET, HEAD'});
	}
	if (path === '/') {
		return {...plain(200, INDEX), body: head ? undefined : INDEX};
	}
	if (path !== '/metrics') {
		return plain(404, 'not found: the metrics are at /metrics\n');
	}
	if (!metrics.ready) {
		// Zeros would pass for values: no sample yet is no metrics yet.
		return plain(503, 'the first sample is not taken yet\n', {'Retry-After': '1'});
	}
	const format = negotiateFormat(accept);
	const body = await metrics.render(format);
	return {status: 200, headers: {'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length}, body: head ? undefined : body};
}

function answer(metrics: MetricsText, request: IncomingMessage, response: ServerResponse): void {
	reply(metrics, request.method, request.url, request.headers.accept).then(
		({status, headers, body}) => response.writeHead(status, headers).end(body),
		(error: unknown) => response.writeHead(500, TEXT).end(`${error instanceof Error ? error.message : String(error)}\n`),
	);
}

/** What a failed bind means for the user; an address this host does not have is bad input (exit 2). */
function bindError(error: NodeJS.ErrnoException, address: ListenAddress): Error {
	switch (error.code) {
		case 'EADDRINUSE': {
			return new Error(`--listen: ${address.display} is in use (another exporter, or another xdptop?): choose another port`);
		}
		case 'EADDRNOTAVAIL':
		case 'EINVAL':
		case 'EAFNOSUPPORT':
		case 'ENOTFOUND': {
			return new UsageError(`--listen: ${address.host} is not an address of this host: use one that ip address shows, or leave it out for 127.0.0.1`);
		}
		case 'EACCES': {
			return new Error(`--listen: not allowed to listen on port ${address.port} (ports below 1024 need CAP_NET_BIND_SERVICE): choose a port from 1024`);
		}
		default: {
			return new Error(`--listen ${address.display}: ${error.message}`);
		}
	}
}

/** Keeps at most MAX_CONNECTIONS sockets: the oldest goes when one more comes. */
function boundConnections(server: Server): void {
	const open = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		if (open.size >= MAX_CONNECTIONS) {
			const oldest = open.values().next().value!;
			open.delete(oldest);
			oldest.destroy();
		}
		open.add(socket);
		socket.setTimeout(SOCKET_IDLE_MS, () => socket.destroy());
		socket.once('close', () => open.delete(socket));
	});
}

/** Listens, or fails with a one-line error, before anything is attached. */
export async function serveMetrics(metrics: MetricsText, address: ListenAddress): Promise<Server> {
	// Loaded here, not with the module: the bundle hoists a static import of a builtin to its top,
	// and node:http (and 15 more modules) would then load in every mode, the monitor's too.
	const {createServer} = await import('node:http');
	const server = createServer(
		{requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_MS},
		(request, response) => answer(metrics, request, response),
	);
	boundConnections(server);
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, address)));
		server.listen({host: address.host, port: address.port, exclusive: true}, () => resolve());
	});
	// Errors after the bind (a client resetting) are the client's: the server goes on.
	server.on('error', () => undefined);
	server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
		// A malformed or oversized request is told so, as an HTTP server should, then closed.
		if (socket.writable && error.code !== 'ECONNRESET') {
			const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
			socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		socket.destroy();
	});
	return server;
}
