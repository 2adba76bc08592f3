/** Minimal HTTP client for sandbox tests (node:http, no keep-alive, so nothing outlives a test). */
import * as http from 'node:http';

export interface HttpAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: any;
	text: string;
}

export async function call(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string | object; auth?: [string, string] } = {},
): Promise<HttpAnswer> {
	const headers: Record<string, string> = { ...options.headers };
	let payload: Buffer | undefined;
	if (typeof options.body === 'string') {
		payload = Buffer.from(options.body);
		headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
	} else if (options.body !== undefined) {
		payload = Buffer.from(JSON.stringify(options.body));
		headers['Content-Type'] ??= 'application/json';
	}
	if (options.auth) headers.Authorization = 'Basic ' + Buffer.from(options.auth.join(':')).toString('base64');
	if (payload) headers['Content-Length'] = String(payload.length);
	return await new Promise<HttpAnswer>((resolve, reject) => {
		const request = http.request(url, { method: options.method ?? (payload ? 'POST' : 'GET'), headers, agent: false }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown = text;
				try {
					body = JSON.parse(text);
				} catch {
					// not JSON
				}
				resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text });
			});
		});
		request.on('error', reject);
		request.end(payload);
	});
}

export async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
