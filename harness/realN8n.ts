/** Helpers for a real n8n shared by the end-to-end tests, the queue-mode tests and the benchmarks: its public API, EmailLabs' new-panel signature, a trigger-only workflow. */
import { createHash, randomUUID } from 'node:crypto';

/** A caller of n8n's public API (`/api/v1`); a non-2xx answer throws with its body. */
export function publicApi(baseUrl: () => string, apiKey: () => string) {
	return async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${baseUrl()}/api/v1${path}`, {
			method,
			headers: { 'X-N8N-API-KEY': apiKey(), 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
}

/** Headers of a new-panel webhook request signed with `secret` (SHA-1 of secret|date|request id). */
export function signedJsonHeaders(secret: string, requestId: string, date = new Date().toISOString().replace('T', ' ').slice(0, 19)): Record<string, string> {
	return {
		'content-type': 'application/json',
		'X-Webhook-Date': date,
		'Request-Id': requestId,
		'X-Webhook-Checksum': createHash('sha1').update(`${secret}|${date}|${requestId}`).digest('hex'),
	};
}

/** A workflow holding only an EmailLabs Trigger for delivered events, with the given credential. */
export function deliveredEventsWorkflow(name: string, webhookId: string, credential: { id: string; name: string }) {
	return {
		name,
		nodes: [
			{
				id: randomUUID(),
				name: 'EmailLabs Trigger',
				type: 'n8n-nodes-emaillabs.emailLabsTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['delivered'], output: 'normalised', options: {} },
				credentials: { emailLabsWebhookApi: credential },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}
