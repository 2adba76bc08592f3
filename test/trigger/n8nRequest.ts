/**
 * The HTTP side of n8n's webhook handling, as far as the EmailLabs Trigger sees it: n8n's own
 * request parsing (content type, encoding), express' query object and the part of express'
 * response API that webhook nodes use, and n8n's body parser, which from typeVersion 1.1 on leaves a
 * body of a type it cannot parse unread (with `req.readRawBody()` to read it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { parse as parseQueryString } from 'node:querystring';

import { jsonParse } from 'n8n-workflow';

const coreDir = dirname(require.resolve('n8n-core'));
const { parseIncomingMessage } = require(require.resolve('@n8n/backend-network', { paths: [coreDir] })) as {
	parseIncomingMessage(message: IncomingMessage): void;
};

export type ExpressLikeResponse = ServerResponse & {
	status(code: number): ExpressLikeResponse;
	json(body: unknown): ExpressLikeResponse;
	send(body: string | Buffer): ExpressLikeResponse;
};

export type N8nRequest = IncomingMessage & { body?: unknown; query?: unknown; readRawBody?: () => Promise<void> };

/** The part of express' response API that webhook nodes use. */
function decorateResponse(res: ServerResponse): asserts res is ExpressLikeResponse {
	const response = res as ExpressLikeResponse;
	response.status = (code: number) => {
		response.statusCode = code;
		return response;
	};
	response.json = (body: unknown) => {
		response.setHeader('content-type', 'application/json; charset=utf-8');
		response.end(JSON.stringify(body));
		return response;
	};
	response.send = (body: string | Buffer) => {
		response.end(body);
		return response;
	};
}

function isParsableContentType(contentType: string | undefined): boolean {
	if (!contentType) return false;
	return (
		['application/json', 'text/plain', 'application/x-www-form-urlencoded'].some((type) => contentType.startsWith(type)) ||
		contentType.endsWith('/xml') ||
		contentType.endsWith('+xml')
	);
}

/**
 * Prepares `req` and `res` as n8n does before a webhook node runs. Undefined when n8n would have
 * answered already (422 for a body it cannot parse).
 */
export async function readRequestLikeN8n(
	req: IncomingMessage,
	res: ServerResponse,
	options: { typeVersion: number; dropRawBody: boolean },
): Promise<N8nRequest | undefined> {
	decorateResponse(res);
	parseIncomingMessage(req);
	// express' query parser, for the simple `name=value` pairs the trigger reads.
	const request = req as N8nRequest;
	request.query = Object.fromEntries(new URL(req.url ?? '/', 'http://harness').searchParams);
	const readRawBody = async () => {
		if (request.rawBody !== undefined) return;
		if (!req.readable) throw new Error('Request body stream was aborted or is not readable');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		request.rawBody = Buffer.concat(chunks);
	};
	request.readRawBody = readRawBody;

	if (options.typeVersion === 1 || isParsableContentType(request.contentType)) {
		await readRawBody();
		const rawBody = request.rawBody!;
		if (options.dropRawBody) request.rawBody = undefined as unknown as Buffer;
		request.body = {};
		if (rawBody.length > 0) {
			const text = rawBody.toString((request.encoding as BufferEncoding | undefined) ?? 'utf8');
			try {
				if (request.contentType === 'application/json') request.body = jsonParse(text);
				else if (request.contentType === 'application/x-www-form-urlencoded') request.body = { ...parseQueryString(text) };
				else if (request.contentType === 'text/plain') request.body = text;
			} catch {
				res.status(422).json({ code: 422, message: 'Failed to parse request body' });
				return undefined;
			}
		}
	}
	return request;
}
