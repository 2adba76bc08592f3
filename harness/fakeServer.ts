/**
 * A recording HTTP server on 127.0.0.1 (random port) standing in for a remote API in tests.
 *
 * - Every request is recorded (method, decoded pathname, PHP-decoded query, headers, raw body and,
 *   depending on the content type, the PHP-decoded form or the parsed JSON) in `requests`, in
 *   arrival order, before it is answered.
 * - Replies come from routes: `once(...)` routes are one-shot and consumed first, in FIFO order;
 *   `on(...)` routes persist, and when several persistent routes match, the one registered last
 *   wins (so a test can override a default from `beforeEach`). Method `'*'` matches any method;
 *   a string path must equal the pathname, a RegExp is tested against it.
 * - Unmatched requests get 404 `{"message":"no route"}`; a responder that throws gets 500
 *   `{"message": <error message>}`.
 * - `close()` destroys every open socket (keep-alive included) and pending delayed replies, so
 *   nothing keeps jest alive.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { decodePhpForm, decodePhpQuery } from '../sandbox/phpForm';

export interface RecordedRequest {
	method: string;
	/** pathname only, percent-decoded */
	path: string;
	/** PHP-decoded query string */
	query: Record<string, unknown>;
	headers: http.IncomingHttpHeaders;
	rawBody: Buffer;
	/** set when content-type is application/x-www-form-urlencoded (PHP-decoded) */
	form?: Record<string, unknown>;
	/** set when content-type contains json and the body parses */
	json?: unknown;
}

export interface FakeReply {
	status?: number;
	headers?: Record<string, string>;
	/** object → JSON (content-type application/json unless given); string/Buffer → sent as is */
	body?: unknown;
	delayMs?: number;
	/** simulate a connection reset: destroy the socket without answering */
	destroySocket?: boolean;
}

export type Responder = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

interface Route {
	method: string;
	path: string | RegExp;
	responder: Responder | FakeReply;
}

function matches(route: Route, req: RecordedRequest): boolean {
	if (route.method !== '*' && route.method !== req.method) return false;
	return typeof route.path === 'string' ? route.path === req.path : route.path.test(req.path);
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export class FakeServer {
	readonly url: string;
	readonly requests: RecordedRequest[] = [];

	private readonly onceRoutes: Route[] = [];
	private readonly routes: Route[] = [];
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Map<NodeJS.Timeout, () => void>();
	private closed = false;

	private constructor(
		private readonly server: http.Server,
		private readonly latencyMs: number,
	) {
		const { port } = server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}`;
	}

	static async start(opts: { latencyMs?: number } = {}): Promise<FakeServer> {
		const server = http.createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		const fake = new FakeServer(server, opts.latencyMs ?? 0);
		server.on('connection', (socket: Socket) => {
			fake.sockets.add(socket);
			socket.on('close', () => fake.sockets.delete(socket));
		});
		server.on('request', (req, res) => {
			fake.handle(req, res).catch((error: Error) => {
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ message: error.message }));
				}
			});
		});
		return fake;
	}

	/** Persistent route (the latest registration wins when several match). */
	on(method: string, path: string | RegExp, responder: Responder | FakeReply): this {
		this.routes.push({ method: method.toUpperCase(), path, responder });
		return this;
	}

	/** One-shot route, consumed before persistent ones, FIFO among one-shots. */
	once(method: string, path: string | RegExp, responder: Responder | FakeReply): this {
		this.onceRoutes.push({ method: method.toUpperCase(), path, responder });
		return this;
	}

	/** Forgets recorded requests and all routes. */
	reset(): void {
		this.requests.length = 0;
		this.onceRoutes.length = 0;
		this.routes.length = 0;
	}

	/** Recorded requests matching method and path. */
	requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
		const probe: Route = { method: method.toUpperCase(), path, responder: {} };
		return this.requests.filter((r) => matches(probe, r));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const [t, wake] of this.timers) {
			clearTimeout(t);
			wake();
		}
		this.timers.clear();
		const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.server.closeAllConnections();
		await done;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);

		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
		const recorded: RecordedRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: safeDecode(url.pathname),
			query: decodePhpQuery(url.search),
			headers: req.headers,
			rawBody,
		};
		if (contentType.includes('application/x-www-form-urlencoded')) {
			recorded.form = decodePhpForm(rawBody.toString('utf8'));
		} else if (contentType.includes('json') && rawBody.length > 0) {
			try {
				recorded.json = JSON.parse(rawBody.toString('utf8'));
			} catch {
				// leave json undefined; rawBody still holds the bytes
			}
		}
		this.requests.push(recorded);

		const route = this.takeRoute(recorded);
		let reply: FakeReply;
		if (!route) {
			reply = { status: 404, body: { message: 'no route' } };
		} else if (typeof route.responder === 'function') {
			try {
				reply = await route.responder(recorded);
			} catch (error) {
				reply = { status: 500, body: { message: (error as Error).message } };
			}
		} else {
			reply = route.responder;
		}

		const delay = (reply.delayMs ?? 0) + this.latencyMs;
		if (delay > 0) await this.sleep(delay);
		if (this.closed || res.destroyed) return;

		if (reply.destroySocket) {
			req.socket.destroy();
			return;
		}
		this.send(res, reply);
	}

	private takeRoute(req: RecordedRequest): Route | undefined {
		const onceIndex = this.onceRoutes.findIndex((r) => matches(r, req));
		if (onceIndex !== -1) return this.onceRoutes.splice(onceIndex, 1)[0];
		for (let i = this.routes.length - 1; i >= 0; i--) {
			if (matches(this.routes[i], req)) return this.routes[i];
		}
		return undefined;
	}

	private send(res: http.ServerResponse, reply: FakeReply): void {
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
		let payload: Buffer;
		const { body } = reply;
		if (body === undefined || body === null) {
			payload = Buffer.alloc(0);
		} else if (Buffer.isBuffer(body)) {
			payload = body;
		} else if (typeof body === 'string') {
			payload = Buffer.from(body, 'utf8');
			headers['content-type'] ??= 'text/plain; charset=utf-8';
		} else {
			payload = Buffer.from(JSON.stringify(body), 'utf8');
			headers['content-type'] ??= 'application/json';
		}
		headers['content-length'] = String(payload.length);
		res.writeHead(reply.status ?? 200, headers);
		res.end(payload);
	}

	private async sleep(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.set(t, resolve);
		});
	}
}
