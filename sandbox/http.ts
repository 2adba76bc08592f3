/**
 * The sandbox's HTTP shell: reads each request, routes it to the web page, the control API or one
 * of the EmailLabs APIs (applying the fault rules there and logging the call), and writes the
 * answer, or closes the connection without one when a fault says so.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { FaultInjector, FaultRule } from './faults';
import { SANDBOX_PAGE } from './page';
import { decodePhpForm, decodePhpQuery } from './phpForm';
import type { SandboxState } from './state';
import type { ApiCall, ApiHandler, Reply, Request } from './types';
import { legacyEnvelope, summariseBody, v2Envelope } from './wire';

export interface HttpDeps {
	host: string;
	/** 0 picks a free port. */
	port: number;
	state: Pick<SandboxState, 'calls' | 'nextId' | 'newRequestId'>;
	control: (req: Request, action: string) => Reply;
	legacy: ApiHandler;
	v2: ApiHandler;
	faults: FaultInjector;
	/** Runs before every request is answered (retention purges here). */
	beforeEachRequest?: () => void;
}

export interface HttpShell {
	url: string;
	/** Stops listening and cuts every open connection. */
	close(): Promise<void>;
}

/** The answer of a `status` / `processThenStatus` fault, in the envelope of the API called. */
function faultReply(api: ApiCall['api'], requestId: string, rule: FaultRule): Reply {
	const status = rule.status ?? 500;
	const reason = http.STATUS_CODES[status] ?? 'Error';
	const message = `${reason} (sandbox fault injection)`;
	const reply = api === 'legacy' ? legacyEnvelope(requestId, status, [], message) : v2Envelope(requestId, status, [], [{ title: reason, message, code: `E-0-${status}` }]);
	return rule.retryAfter !== undefined ? { ...reply, headers: { 'Retry-After': String(rule.retryAfter) } } : reply;
}

export async function listen({ host, port, state, control, legacy, v2, faults, beforeEachRequest }: HttpDeps): Promise<HttpShell> {
	const sockets = new Set<Socket>();
	const delayedReplies = new Set<NodeJS.Timeout>();

	/** The answer to send, or undefined to close the connection without one (an injected fault). */
	const route = (req: Request): Reply | undefined => {
		const { path } = req;
		beforeEachRequest?.();
		if (req.method === 'GET' && (path === '/' || path === '/index.html')) return { status: 200, body: SANDBOX_PAGE, contentType: 'text/html; charset=utf-8' };
		if (path.startsWith('/_sandbox/')) return control(req, path.slice('/_sandbox/'.length).replace(/\/+$/, ''));
		const api = path.startsWith('/api/') ? 'legacy' : path.startsWith('/v2.1/') ? 'v2' : undefined;
		if (!api) return { status: 404, body: { error: `Not found: ${path}. EmailLabs lives under /api/ (legacy) and /v2.1/.` } };
		const requestId = state.newRequestId();
		const action = path.slice(api === 'legacy' ? 5 : 6).replace(/\/+$/, '');
		const fault = faults.take(req.method, action);
		const processes = !fault || fault.mode === 'processThenDrop' || fault.mode === 'processThenStatus';
		const processed = processes ? (api === 'legacy' ? legacy(req, action, requestId) : v2(req, action, requestId)) : undefined;
		const reply = !fault ? processed : fault.mode === 'status' || fault.mode === 'processThenStatus' ? faultReply(api, requestId, fault) : undefined;
		let loggedBody: unknown;
		if (req.raw.length) {
			try {
				loggedBody = summariseBody(req.contentType.startsWith('application/x-www-form-urlencoded') ? decodePhpForm(req.raw) : JSON.parse(req.raw));
			} catch {
				loggedBody = req.raw.slice(0, 500);
			}
		}
		state.calls.push({
			id: state.nextId(),
			at: new Date().toISOString(),
			api,
			method: req.method,
			path,
			query: req.query,
			body: loggedBody,
			statusCode: reply?.status ?? 0,
			requestId,
			...(fault ? { fault: { mode: fault.mode, ...(processed ? { processedStatus: processed.status } : {}) } } : {}),
		});
		return reply;
	};

	const server = http.createServer((incoming, res) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
			let path = url.pathname;
			try {
				path = decodeURIComponent(path);
			} catch {
				// keep the raw path
			}
			let reply: Reply | undefined;
			try {
				reply = route({
					method: (incoming.method ?? 'GET').toUpperCase(),
					path,
					query: decodePhpQuery(url.search),
					headers: incoming.headers,
					raw: Buffer.concat(chunks).toString('utf8'),
					contentType: String(incoming.headers['content-type'] ?? '').toLowerCase(),
				});
			} catch (error) {
				reply = { status: 500, body: { error: (error as Error).message } };
			}
			if (!reply) {
				incoming.socket.destroy();
				return;
			}
			const payload = Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), 'utf8');
			const { status, contentType, headers } = reply;
			const answer = () => {
				res.writeHead(status, {
					'Content-Type': contentType ?? 'application/json',
					'Content-Length': String(payload.length),
					'Cache-Control': 'no-store',
					...headers,
				});
				res.end(payload);
			};
			if (!reply.delayMs) return answer();
			const timer = setTimeout(() => {
				delayedReplies.delete(timer);
				answer();
			}, reply.delayMs);
			delayedReplies.add(timer);
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;

	return {
		url: `http://${host}:${address.port}`,
		async close() {
			const done = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const timer of delayedReplies) clearTimeout(timer);
			delayedReplies.clear();
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await done;
		},
	};
}
