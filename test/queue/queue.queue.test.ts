/**
 * The package in n8n's queue mode: PostgreSQL, Redis, main, two workers (concurrency 10) and a
 * webhook processor, each with the packed package (scripts/queueCluster.ts). Measures what the
 * README's queue-mode section states: exactly once while the webhook processor runs, what a
 * restart of it forgets, sends through workers once, and stored static data kept intact.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import { materialiseExamples } from '../../scripts/examples';
import { cleanDir, createApiKey, login, packPackage, provision, ROOT, waitFor } from '../../scripts/n8nInstance';
import { startQueueCluster, type QueueCluster } from '../../scripts/queueCluster';
import { bulkSendWorkflow, deliveredEventsWorkflow, executionsOf, pool, publicApi, signedJsonHeaders } from '../../harness/realN8n';

const SECRET = 'sandbox-webhook-secret';
const WEBHOOK_ID = '6a1e9c33-2f4b-4d8e-9b10-5c2d7e8f9a01';
const SEND_PATH = 'queue-bulk-send';

let sandbox: Sandbox;
let cluster: QueueCluster;
let apiKey: string;
let triggerWorkflowId: string;
const runDir = join(ROOT, '.e2e', 'runs', `queue-${process.pid}`);
const figures: Record<string, unknown> = {};

const api = publicApi(() => cluster.main.url, () => apiKey);
const { all: allExecutions, settled, runsPerEvent: runsOf } = executionsOf(api, waitFor);
const runsPerEvent = () => runsOf(triggerWorkflowId);
const triggerUrl = () => `${cluster.webhookUrl}/webhook/${WEBHOOK_ID}/webhook`;
const AFTER_RUN_WEBHOOK_ID = '0c7f4d2e-8a61-4b39-a5d3-2e9f6b1c7d44';
const afterRunUrl = () => `${cluster.webhookUrl}/webhook/${AFTER_RUN_WEBHOOK_ID}/webhook`;

const batch = (tag: string, b: number) => ({
	body: JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ to: { email: `${tag}${b}-${i}@example.com`, messageId: `<${tag}-${b}-${i}@acme.example>` }, status: 'ok', statusTime: 1790326800 + b * 10 + i }))),
	headers: signedJsonHeaders(SECRET, randomUUID()),
});
type Batch = ReturnType<typeof batch>;
/** EmailLabs delivering one batch: it waits `timeoutMs` for the answer; 0 = no answer in time. */
const deliver = async (url: string, one: Batch, timeoutMs: number) =>
	await fetch(url, { method: 'POST', headers: one.headers, body: one.body, signal: AbortSignal.timeout(timeoutMs) }).then(
		(response) => response.status,
		() => 0,
	);
const sendAll = async (batches: Batch[]) => await pool(batches.map((one) => async () => (await fetch(triggerUrl(), { method: 'POST', headers: one.headers, body: one.body })).status), 20);
const quiet = () => new Promise((resolve) => setTimeout(resolve, 3000));

beforeAll(async () => {
	cleanDir(runDir);
	sandbox = await startSandbox({ port: 0, deliveredDelayMs: 60_000, webhooks: [] });
	const provisioned = provision();
	const tarball = packPackage(join(runDir, 'pack'));
	const { credentialsFile } = materialiseExamples(sandbox.url, join(runDir, 'examples'));
	cluster = await startQueueCluster({ provisioned, runDir, tarball, workers: 2, concurrency: 10, prepare: (cli) => cli(['import:credentials', `--input=${credentialsFile}`]) });
	apiKey = await createApiKey(cluster.main.url, await login(cluster.main.url));
	const created = await api('POST', '/workflows', deliveredEventsWorkflow('queue: delivery events', WEBHOOK_ID, { id: 'eLsandboxWebhook', name: 'EmailLabs Sandbox webhook' }));
	triggerWorkflowId = created.id;
	await api('POST', `/workflows/${triggerWorkflowId}/activate`);
	const send = await api(
		'POST',
		'/workflows',
		bulkSendWorkflow('queue: bulk send', SEND_PATH, {
			name: 'Send',
			parameters: { resource: 'email', operation: 'send', smtpAccount: '1.sandbox.smtp', fromEmail: 'hello@acme.example', toEmail: '={{ $json.email }}', subject: 'Hi', html: '<p>Hi</p>', options: {} },
		}),
	);
	await api('POST', `/workflows/${send.id}/activate`);
	await waitFor('activation on the webhook processor', async () => {
		const trigger = await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
		const sender = await fetch(`${cluster.webhookUrl}/webhook/${SEND_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"recipients":[]}' });
		return trigger.status === 200 && sender.status !== 404 ? true : undefined;
	}, 90_000);
}, 20 * 60_000);

afterAll(async () => {
	console.log(`queue-mode figures: ${JSON.stringify(figures)}`);
	await cluster?.stop();
	await sandbox?.close();
	rmSync(runDir, { recursive: true, force: true });
});

describe('queue mode', () => {
	it('loads the package in every process: main lists the types, the webhook processor verifies, workers run', async () => {
		const nodeTypes = await (await fetch(`${cluster.main.url}/types/nodes.json`, { headers: { cookie: await login(cluster.main.url) } })).text();
		expect(nodeTypes).toContain('"n8n-nodes-emaillabs.emailLabsTrigger"');
		const forged = await fetch(triggerUrl(), { method: 'POST', headers: { ...signedJsonHeaders(SECRET, randomUUID()), 'X-Webhook-Checksum': '0'.repeat(40) }, body: batch('forged', 0).body });
		expect(forged.status).toBe(401);
		expect(cluster.main.logs.join('')).toMatch(/Paste http:\/\/127\.0\.0\.1:\d+\/webhook\//);
	});

	it('200 batches at concurrency 20 run once; re-sends start nothing while the webhook processor runs, nor after its restart once it saved', async () => {
		const batches = Array.from({ length: 200 }, (_, b) => batch('q', b));
		const started = Date.now();
		expect((await sendAll(batches)).every((status) => status === 200)).toBe(true);
		figures.firstRound = { batches: 200, ms: Date.now() - started };
		await settled(triggerWorkflowId, 200);
		expect(await sendAll(batches)).toEqual(batches.map(() => 200));
		await quiet();
		const afterResend = (await allExecutions(triggerWorkflowId)).length;
		await cluster.restartWebhookProcessor();
		await waitFor('the webhook processor', async () => ((await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status === 200 ? true : undefined), 60_000);
		await sendAll(batches);
		await quiet();
		const runs = await runsPerEvent();
		figures.exactlyOnce = { afterFirstRound: 200, afterResend, afterRestartAndResend: (await allExecutions(triggerWorkflowId)).length, distinctEvents: runs.size, duplicates: [...runs.values()].filter((count) => count > 1).length };
		expect(afterResend).toBe(200);
		expect(runs.size).toBe(2000);
		expect([...runs.values()].every((count) => count === 1)).toBe(true);
	}, 600_000);

	it('a restart of the webhook processor forgets batches it answered with an execution and nothing else (the stated loss window)', async () => {
		const before = (await allExecutions(triggerWorkflowId)).length;
		const batches = Array.from({ length: 20 }, (_, b) => batch('w', b));
		await sendAll(batches);
		await settled(triggerWorkflowId, before + 20);
		await cluster.restartWebhookProcessor();
		await waitFor('the webhook processor', async () => ((await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status === 200 ? true : undefined), 60_000);
		await sendAll(batches);
		await quiet();
		const after = (await allExecutions(triggerWorkflowId)).length;
		figures.restartLossWindow = { batches: 20, ranAgainAfterRestart: after - before - 20 };
		expect(after - before - 20).toBe(20);
	}, 300_000);

	it('keeps the static data main stored: a worker never writes it back empty', async () => {
		const workflow = await api('GET', `/workflows/${triggerWorkflowId}`);
		expect(JSON.stringify(workflow.staticData ?? {})).toContain('webhookRegistration');
	});

	it('n8n itself (minimal reproduction, no package code): a worker runs a webhook execution without the stored static data', async () => {
		// A Code node counts its runs in the workflow's static data. In one n8n process this counts
		// 1, 2, 3; on a worker every webhook execution starts from empty static data and saves it
		// whole, so it counts 1, 1, 1. This is why the trigger writes nothing in such an execution.
		const path = 'static-data-repro';
		const created = await api('POST', '/workflows', {
			name: 'queue: static data reproduction',
			nodes: [
				{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} } },
				{ id: randomUUID(), name: 'Count', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: "const data = $getWorkflowStaticData('global');\ndata.runs = (data.runs ?? 0) + 1;\nreturn [{ json: { runs: data.runs } }];" } },
			],
			connections: { Webhook: { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		await api('POST', `/workflows/${created.id}/activate`);
		const call = async () => await fetch(`${cluster.webhookUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await waitFor('the reproduction webhook', async () => ((await call()).status === 200 ? true : undefined), 60_000);
		const counts: unknown[] = [];
		for (let i = 0; i < 3; i++) counts.push(((await (await call()).json()) as { runs: unknown }).runs);
		figures.staticDataReproduction = { counts };
		expect(counts).toEqual([1, 1, 1]);
	}, 120_000);

	it('sends through the workers reach every recipient exactly once', async () => {
		const recipients = Array.from({ length: 100 }, (_, i) => ({ email: `queue${i}@example.com` }));
		const response = await fetch(`${cluster.webhookUrl}/webhook/${SEND_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipients }) });
		expect(response.status).toBe(200);
		const items = (await response.json()) as Array<{ status?: string }>;
		const sent = sandbox.messages.filter((message) => String((message as unknown as { to: { email: string } }).to.email).startsWith('queue'));
		figures.sends = { recipients: 100, accepted: items.filter((item) => item.status === 'accepted').length, messagesInSandbox: sent.length };
		expect(items.filter((item) => item.status === 'accepted')).toHaveLength(100);
		expect(new Set(sent.map((message) => (message as unknown as { to: { email: string } }).to.email)).size).toBe(100);
		expect(sent).toHaveLength(100);
	}, 120_000);

	it('a SIGKILLed worker loses no event when the trigger answers after the run and EmailLabs re-delivers what got no 200', async () => {
		const workflow = deliveredEventsWorkflow('queue: answer after the run', AFTER_RUN_WEBHOOK_ID, { id: 'eLsandboxWebhook', name: 'EmailLabs Sandbox webhook' });
		(workflow.nodes[0].parameters as Record<string, unknown>).respond = 'lastNode';
		// A second of work per run, so that the killed worker surely holds runs (ten at a time).
		const slowed = {
			...workflow,
			nodes: [...workflow.nodes, { id: randomUUID(), name: 'Work', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [200, 0], webhookId: randomUUID(), parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' } }],
			connections: { 'EmailLabs Trigger': { main: [[{ node: 'Work', type: 'main', index: 0 }]] } },
		};
		const { id } = await api('POST', '/workflows', slowed);
		await api('POST', `/workflows/${id}/activate`);
		await waitFor('the answer-after-run trigger', async () => ((await fetch(afterRunUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status === 200 ? true : undefined), 60_000);

		const batches = Array.from({ length: 200 }, (_, b) => batch('k', b));
		const victim = cluster.workers[0];
		const firstRound = pool(batches.map((one) => async () => await deliver(afterRunUrl(), one, 10_000)), 20);
		// Kill the worker while it holds executions (running, or taken and not started).
		await waitFor('executions in flight', async () => ((await allExecutions(id)).length >= 30 ? true : undefined), 60_000, 100);
		process.kill(-victim.process.pid!, 'SIGKILL');
		const statuses = await firstRound;
		const unanswered = () => batches.filter((_, i) => statuses[i] !== 200);
		const histogram = (values: Array<string | number>) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});
		const firstRoundStatuses = histogram(statuses);

		// EmailLabs re-delivers what got no 200 (every hour; here every 10 s). Copies of a run still
		// under way get 409 until n8n fails the dead worker's job (~1–2 min) and answers 500.
		const started = Date.now();
		let rounds = 0;
		const roundStatuses: Array<Record<string, number>> = [];
		while (unanswered().length > 0 && Date.now() - started < 8 * 60_000) {
			await new Promise((resolve) => setTimeout(resolve, 10_000));
			const pending = batches.map((one, i) => [one, i] as const).filter(([, i]) => statuses[i] !== 200);
			const again = await pool(pending.map(([one]) => async () => await deliver(afterRunUrl(), one, 10_000)), 20);
			pending.forEach(([, i], k) => (statuses[i] = again[k]));
			roundStatuses.push(histogram(again));
			rounds++;
		}
		await settled(id, 200, 300_000);
		const runs = await runsOf(id);
		const executionStatuses = histogram((await allExecutions(id)).map((execution) => execution.status));
		figures.killedWorker = {
			batches: 200,
			events: 2000,
			firstRound: firstRoundStatuses,
			redeliveryRounds: rounds,
			secondsUntilAllAnswered: Math.round((Date.now() - started) / 1000),
			distinctEventsRun: runs.size,
			eventsRunTwice: [...runs.values()].filter((count) => count > 1).length,
			roundStatuses,
			executionStatuses,
		};
		expect(unanswered()).toHaveLength(0);
		// The kill took runs down: their executions failed and their requests got no 200 at first.
		expect(executionStatuses.error ?? 0).toBeGreaterThan(0);
		expect(firstRoundStatuses['200'] ?? 0).toBeLessThan(200);
		expect(runs.size).toBe(2000);
		expect([...runs.values()].filter((count) => count > 1)).toEqual([]);
	}, 15 * 60_000);
});
