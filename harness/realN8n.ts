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

/** Runs `tasks` with at most `concurrency` in flight; results in task order. */
export async function pool<T>(tasks: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
	const results: T[] = new Array(tasks.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < tasks.length) {
				const index = next++;
				results[index] = await tasks[index]();
			}
		}),
	);
	return results;
}

export interface Execution {
	id: string;
	status: string;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
}

type PublicApi = ReturnType<typeof publicApi>;

/** Executions of a workflow through the public API: all of them (paged), once finished, and events run per message id. */
export function executionsOf(api: PublicApi, waitFor: <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number, intervalMs?: number) => Promise<T>) {
	const all = async (workflowId: string, includeData = false): Promise<Execution[]> => {
		const list: Execution[] = [];
		let cursor: string | undefined;
		do {
			const page = await api('GET', `/executions?workflowId=${workflowId}&limit=100&includeData=${includeData}${cursor ? `&cursor=${cursor}` : ''}`);
			list.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return list;
	};
	const settled = async (workflowId: string, atLeast: number, timeoutMs = 180_000): Promise<Execution[]> =>
		await waitFor(`${atLeast} finished executions`, async () => {
			const list = await all(workflowId);
			return list.length >= atLeast && list.every((execution) => !['new', 'running', 'waiting'].includes(execution.status)) ? list : undefined;
		}, timeoutMs, 1000);
	/** How often each message id ran through the EmailLabs Trigger, over every execution. */
	const runsPerEvent = async (workflowId: string): Promise<Map<string, number>> => {
		const runs = new Map<string, number>();
		for (const execution of await all(workflowId, true)) {
			for (const item of execution.data?.resultData.runData['EmailLabs Trigger']?.[0]?.data?.main[0] ?? []) {
				const id = String(item.json.messageId);
				runs.set(id, (runs.get(id) ?? 0) + 1);
			}
		}
		return runs;
	};
	return { all, settled, runsPerEvent };
}

/**
 * Webhook `POST /webhook/<path>` {recipients: [...]} → Split Out → the given EmailLabs node (sandbox
 * legacy credential); n8n answers with that node's items once the run ends.
 */
export function bulkSendWorkflow(name: string, path: string, send: { name: string; parameters: Record<string, unknown>; onError?: string }) {
	return {
		name,
		nodes: [
			{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} } },
			{ id: randomUUID(), name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.recipients', options: {} } },
			{
				id: randomUUID(),
				type: 'n8n-nodes-emaillabs.emailLabs',
				typeVersion: 1,
				position: [400, 0],
				...send,
				credentials: { emailLabsApi: { id: 'eLsandboxLegacy1', name: 'EmailLabs Sandbox (legacy)' } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: send.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Whether an execution of the workflow is still running. n8n's public API leaves running
 * executions out of `GET /executions` unless `status=running` is asked for (excludeRunning in
 * n8n 2.41.1's ExecutionsPublicController), so a list of finished ones alone proves nothing.
 */
export async function isRunning(api: PublicApi, workflowId: string): Promise<boolean> {
	const running = await api('GET', `/executions?workflowId=${workflowId}&status=running&limit=1`);
	if (running.data.length > 0) return true;
	const recent = await api('GET', `/executions?workflowId=${workflowId}&limit=20`);
	return (recent.data as Execution[]).some((execution) => ['new', 'running', 'waiting'].includes(execution.status));
}
