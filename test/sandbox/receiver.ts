/** A webhook receiver on 127.0.0.1 for sandbox tests: records requests, answers from a status script. */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface Receiver {
	url: string;
	requests: ReceivedRequest[];
	/** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
	waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
	close(): Promise<void>;
}

/** `statuses` answers the first requests in order; later ones get 200. */
export async function startReceiver(statuses: number[] = []): Promise<Receiver> {
	const requests: ReceivedRequest[] = [];
	const sockets = new Set<Socket>();
	const script = [...statuses];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(script.shift() ?? 200, { 'Content-Type': 'text/plain' });
			res.end('ok');
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		requests,
		async waitFor(count, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			while (requests.length < count) {
				if (Date.now() > deadline) throw new Error(`expected ${count} webhook request(s), got ${requests.length}`);
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			return requests;
		},
		async close() {
			const done = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await done;
		},
	};
}
