/**
 * The reliability promises of the README, measured in a real n8n: hostile requests start nothing,
 * concurrent and re-sent batches run exactly once (also after a restart), and sends under faults
 * (including a server that acts and then drops the connection) reach every recipient exactly once.
 * Prints the figures it measured.
 */
import { randomUUID } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import {
	createApiKey,
	login,
	startExampleInstance,
	startN8n,
	stopExampleInstance,
	waitFor,
	type ExampleInstance,
} from '../../scripts/n8nInstance';
import { badRequests } from './badRequests';
import { bulkSendWorkflow, deliveredEventsWorkflow, executionsOf, pool, publicApi, signedJsonHeaders } from '../../harness/realN8n';

const SECRET = 'sandbox-webhook-secret';
const TRIGGER_WEBHOOK_ID = '3f4e2a10-8c1d-4e55-9d77-2b6c0a9e7f31';
const SEND_PATH = 'e2e-bulk-send';

let sandbox: Sandbox;
let instance: ExampleInstance;
let apiKey: string;
let triggerWorkflowId: string;
const figures: Record<string, unknown> = {};

const url = () => instance.n8n.url;
const triggerUrl = () => `${url()}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;

const api = publicApi(url, () => apiKey);
const { all: allExecutions, settled, runsPerEvent } = executionsOf(api, waitFor);




const signed = (requestId: string) => signedJsonHeaders(SECRET, requestId);

const delivered = (batch: number, index: number) => ({
	smtpAccount: '1.sandbox.smtp',
	to: { email: `r${batch}-${index}@example.com`, name: '', messageId: `<e2e-${batch}-${index}@acme.example>` },
	from: { email: 'hello@acme.example', name: 'Acme' },
	subject: 'Hello',
	status: 'ok',
	statusTime: 1790326800 + batch * 10 + index,
	statusDesc: '250 OK',
});


async function activate(workflow: Record<string, unknown>): Promise<string> {
	const created = await api('POST', '/workflows', workflow);
	await api('POST', `/workflows/${created.id}/activate`);
	return created.id as string;
}

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, deliveredDelayMs: 60_000, webhooks: [] });
	instance = await startExampleInstance({ name: 'reliability', sandboxUrl: sandbox.url, publish: [] });
	apiKey = await createApiKey(url(), await login(url()));
	triggerWorkflowId = await activate(deliveredEventsWorkflow('e2e: delivery events', TRIGGER_WEBHOOK_ID, { id: 'eLsandboxWebhook', name: 'EmailLabs Sandbox webhook' }));
	await activate(
		bulkSendWorkflow('e2e: bulk template send', SEND_PATH, {
			name: 'Send Template',
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'email',
				operation: 'sendTemplate',
				smtpAccount: '1.sandbox.smtp',
				fromEmail: 'hello@acme.example',
				toEmail: '={{ $json.email }}',
				subject: 'Hello',
				templateId: 'welcome',
				variablesMode: 'keyValue',
				variablesUi: { variable: [{ name: 'firstName', value: '={{ $json.firstName }}' }] },
				options: { maxTries: 6, maxRecipientsPerRequest: 20 },
			},
		}),
	);
	await waitFor('the production webhooks', async () => {
		const trigger = await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
		// An empty list sends nothing.
		const send = await fetch(`${url()}/webhook/${SEND_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"recipients":[]}' });
		return trigger.status === 200 && send.status !== 404 ? true : undefined;
	}, 60_000);
}, 15 * 60_000);

afterAll(async () => {
	console.log(`reliability figures: ${JSON.stringify(figures)}`);
	await stopExampleInstance(instance);
	await sandbox?.close();
});

describe('webhooks under attack, load, re-sends and a restart', () => {
	it('1,000+ bad requests of many kinds at concurrency 20 start no execution and n8n stays healthy', async () => {
		const requests = badRequests(triggerUrl(), SECRET);
		const answers = await pool(requests.map((request) => async () => {
			const response = await fetch(request.url, request.init).catch((error: Error) => ({ status: `error ${error.message}`, text: async () => '' }));
			return { kind: request.kind, status: response.status, text: await response.text() };
		}), 20);
		const byKind: Record<string, Record<string, number>> = {};
		for (const answer of answers) {
			byKind[answer.kind] ??= {};
			byKind[answer.kind][answer.status] = (byKind[answer.kind][answer.status] ?? 0) + 1;
		}
		figures.badRequests = { total: requests.length, kinds: Object.keys(byKind).length, byKind };
		expect(requests.length).toBeGreaterThanOrEqual(1000);
		expect(answers.filter((answer) => typeof answer.status !== 'number' || answer.status >= 500)).toEqual([]);
		// NODE_ENV=production: no stack trace in any answer.
		expect(answers.filter((answer) => /\n\s+at /.test(answer.text))).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await allExecutions(triggerWorkflowId)).toHaveLength(0);
		expect((await fetch(`${url()}/healthz/readiness`)).status).toBe(200);
	}, 180_000);

	it('100 batches of 10 at concurrency 20 (20 sent twice at once), all re-sent after they finished and after a restart: every event runs once', async () => {
		const batches = Array.from({ length: 100 }, (_, b) => ({ body: JSON.stringify(Array.from({ length: 10 }, (_, i) => delivered(b, i))), headers: signed(randomUUID()) }));
		const send = (batch: (typeof batches)[number]) => async () => (await fetch(triggerUrl(), { method: 'POST', headers: batch.headers, body: batch.body })).status;
		const started = Date.now();
		const first = await pool([...batches, ...batches.slice(0, 20)].map(send), 20);
		figures.firstRoundMs = Date.now() - started;
		expect(first.every((status) => status === 200)).toBe(true);
		await settled(triggerWorkflowId, 100);

		const resent = await pool(batches.map(send), 20);
		expect(resent.every((status) => status === 200)).toBe(true);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const afterResend = (await allExecutions(triggerWorkflowId)).length;

		await instance.n8n.stop();
		instance.n8n = await startN8n(instance.options);
		await waitFor('the trigger after the restart', async () => ((await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status === 200 ? true : undefined), 60_000);
		const afterRestart = await pool(batches.map(send), 20);
		expect(afterRestart.every((status) => status === 200)).toBe(true);
		await new Promise((resolve) => setTimeout(resolve, 2000));

		const executions = await allExecutions(triggerWorkflowId);
		const runs = await runsPerEvent(triggerWorkflowId);
		const duplicates = [...runs.values()].filter((count) => count > 1).length;
		figures.exactlyOnce = { batches: 100, events: 1000, sentTwiceAtOnce: 20, executions: executions.length, afterResend, distinctEventsRun: runs.size, duplicates, lost: 1000 - runs.size };
		expect(afterResend).toBe(100);
		expect(executions).toHaveLength(100);
		expect(runs.size).toBe(1000);
		expect(duplicates).toBe(0);
	}, 300_000);
});

describe('sends under faults', () => {
	const recipients = (count: number, tag: string) => Array.from({ length: count }, (_, i) => ({ email: `${tag}${i}@example.com`, firstName: `N${i}` }));
	/** The send workflow answers with the Send Template node's items (Respond: When Last Node Finishes). */
	const bulkSend = async (list: unknown[]) => {
		const response = await fetch(`${url()}/webhook/${SEND_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipients: list }) });
		expect(response.status).toBe(200);
		return (await response.json()) as Array<Record<string, unknown>>;
	};
	const sandboxCall = async (method: string, path: string, body?: unknown): Promise<{ injected?: unknown }> => {
		const response = await fetch(`${sandbox.url}/_sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		return (await response.json()) as { injected?: unknown };
	};

	it('1,000 template sends with ~30 % faults (429, 502, 503, resets, process-then-drop, process-then-502): every recipient accepted exactly once', async () => {
		await sandboxCall('POST', 'faults', {
			seed: 42,
			rules: [
				{ path: 'sendmail_templates', mode: 'processThenDrop', ratio: 0.1 },
				{ path: 'sendmail_templates', mode: 'processThenStatus', status: 502, ratio: 0.06 },
				{ path: 'sendmail_templates', mode: 'reset', ratio: 0.06 },
				{ path: 'sendmail_templates', mode: 'status', status: 503, ratio: 0.05 },
				{ path: 'sendmail_templates', mode: 'status', status: 429, retryAfter: 1, ratio: 0.05 },
			],
		});
		const list = recipients(1000, 'bulk');
		const items = await bulkSend(list);
		const faults = await sandboxCall('GET', 'faults');
		await sandboxCall('DELETE', 'faults');
		const sent = sandbox.messages.filter((message) => String((message as unknown as { to: { email: string } }).to.email).startsWith('bulk'));
		const perRecipient = new Map<string, number>();
		for (const message of sent) {
			const email = (message as unknown as { to: { email: string } }).to.email;
			perRecipient.set(email, (perRecipient.get(email) ?? 0) + 1);
		}
		figures.sendsUnderFaults = {
			recipients: 1000,
			faultsInjected: faults.injected ?? faults,
			accepted: items.filter((item) => item.status === 'accepted').length,
			errorItems: items.filter((item) => item.error).length,
			messagesInSandbox: sent.length,
			duplicates: [...perRecipient.values()].filter((count) => count > 1).length,
		};
		expect(items.filter((item) => item.error)).toEqual([]);
		expect(items.filter((item) => item.status === 'accepted')).toHaveLength(1000);
		expect(perRecipient.size).toBe(1000);
		expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
	}, 180_000);

	it('a network failure that outlasts the retries, with Continue On Fail: only that request’s items are error items', async () => {
		await sandboxCall('POST', 'faults', {
			rules: [
				{ path: 'sendmail_templates', mode: 'reset', times: 1 },
				{ path: 'emails', mode: 'status', status: 500, times: 100_000 },
			],
		});
		const items = await bulkSend(recipients(600, 'cof'));
		await sandboxCall('DELETE', 'faults');
		const errors = items.filter((item) => item.error);
		figures.persistentNetworkFailure = { items: items.length, errorItems: errors.length, accepted: items.filter((item) => item.status === 'accepted').length };
		expect(items).toHaveLength(600);
		// The workflow sends 20 recipients per call: the first call's 20 items, no others.
		expect(errors).toHaveLength(20);
		expect(errors.every((item) => /not sent again to avoid a duplicate/.test(String(item.error)))).toBe(true);
		expect(items.filter((item) => item.status === 'accepted')).toHaveLength(580);
	}, 120_000);
});
