/**
 * The /metrics endpoint. A scrape does no kernel work: it is answered from the last sample's
 * rendered text. Slow or many clients cost sockets, never a sample: timeouts and a connection
 * limit keep them bounded.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {UsageError, type ListenAddress} from '../options.js';
import {negotiateFormat} from './negotiate.js';
import {CONTENT_TYPES, type MetricsText} from './registries.js';

const MAX_CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 10_000;

const INDEX = 'xdptop: Prometheus metrics are at /metrics\n';

function answer(metrics: MetricsText, request: IncomingMessage, response: ServerResponse): void {
	const path = (request.url ?? '/').split('?')[0];
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		response.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'}).end('only GET and HEAD\n');
		return;
	}
	if (path === '/') {
		response.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8'}).end(request.method === 'HEAD' ? undefined : INDEX);
		return;
	}
	if (path !== '/metrics') {
		response.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8'}).end('not found: the metrics are at /metrics\n');
		return;
	}
	const format = negotiateFormat(request.headers.accept);
	metrics.render(format).then(
		body => {
			response.writeHead(200, {'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length});
			response.end(request.method === 'HEAD' ? undefined : body);
		},
		(error: unknown) => {
			response.writeHead(500, {'Content-Type': 'text/plain; charset=utf-8'}).end(`${error instanceof Error ? error.message : String(error)}\n`);
		},
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
		case 'EAFNOSUPPORT': {
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

/** Listens, or fails with a one-line error, before anything is attached. */
export async function serveMetrics(metrics: MetricsText, address: ListenAddress): Promise<Server> {
	const server = createServer({requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS}, (request, response) => answer(metrics, request, response));
	server.maxConnections = MAX_CONNECTIONS;
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, address)));
		server.listen({host: address.host, port: address.port, exclusive: true}, () => resolve());
	});
	// Errors after the bind (a client resetting) are the client's: the server goes on.
	server.on('error', () => undefined);
	server.on('clientError', (_error, socket) => socket.destroy());
	return server;
}
