/**
 * The event archive examples in a real n8n (issue #11, "No event lost, none forgotten"): the
 * EmailLabs Trigger (webhooks) and the EmailLabs Catch-Up Trigger (API polls) of one workflow
 * write every event once into an n8n Data Table and keep a status row per message; the status
 * lookup answers from those tables after EmailLabs (the sandbox) forgot the message, also after a
 * restart of n8n. Prints the figures it measured.
 *
 * Making polls fast: n8n 2.41.1 refuses a poll schedule under a minute at activation
 * (`isSubMinuteCron` in n8n-workflow: a 6-field cron whose seconds field is not a plain number,
 * such as `*\/5 * * * * *`, fails with "The polling interval is too short"), so Poll Times stays
 * "every minute". But n8n runs one poll whenever it activates a polling trigger
 * (ActiveWorkflowTriggers.activatePollTrigger → executePollTrigger(true), in n8n-core): at
 * activation through the API, and for every active workflow when n8n starts. The suite makes a
 * poll happen now by deactivating and activating the workflow (both go through n8n's publication
 * outbox, worked off asynchronously, so it waits for the poll's requests), and also waits once for a
 * scheduled poll (seen in the sandbox's log of API calls: the catch-up reads its 8 event lists).
 */
import { join } from 'node:path';

import { startSandbox, type Sandbox, type SandboxEvent, type WebhookTarget } from '../../sandbox/server';
import { createArchiveWorkflow, ensureArchiveTables, exampleWorkflows, type ArchiveTableIds, type ExampleWorkflow } from '../../scripts/examples';
import { ROOT, createApiKey, freePort, login, startExampleInstance, startN8n, stopExampleInstance, waitFor, type ExampleInstance } from '../../scripts/n8nInstance';
import { countBy, repeated, tableRows, type Row } from '../../harness/dataTables';
import { executionsOf, publicApi } from '../../harness/realN8n';
import { sandboxActivity, screenshotWorkflow, sendThroughSandbox, workflowIdle } from '../../harness/exampleFlows';

const SECRET = 'sandbox-webhook-secret';
const DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, '.e2e', 'screenshots');

const examples = exampleWorkflows();
const archiveExample = examples.find((workflow) => workflow.file === 'email-event-archive.json')!;
const lookupExample = examples.find((workflow) => workflow.file === 'email-status-lookup.json')!;
const triggerWebhookId = archiveExample.nodes.find((node) => node.type === 'n8n-nodes-emaillabs.emailLabsTrigger')!.webhookId!;
const lookupPath = lookupExample.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!.parameters.path as string;
const CATCH_UP = 'EmailLabs Catch-Up';

let sandbox: Sandbox;
let instance: ExampleInstance;
let apiKey: string;
let tableIds: ArchiveTableIds;
let archiveId: string;
let webhookTarget: WebhookTarget;
const figures: Record<string, unknown> = {};

const url = () => instance.n8n.url;
const api = publicApi(url, () => apiKey);
const { all: allExecutions } = executionsOf(api, waitFor);
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** The trigger's de-duplication key of an event, as the archive's eventKey column holds it. */
const keyOf = (event: Pick<SandboxEvent, 'messageId' | 'status' | 'statusTime' | 'url'>) => `${event.messageId}|${event.status}|${event.statusTime}|${event.url ?? ''}`;
/** The distinct event keys the sandbox produced for these messages (two opens in one second are one event). */
const keysOf = (messageIds: string[]) => new Set(sandbox.events.filter((event) => messageIds.includes(event.messageId)).map(keyOf));

/** One legacy new_sendmail to every address; the Message IDs in address order. */
const send = async (emails: string[]): Promise<string[]> => await sendThroughSandbox(sandbox.url, emails);

/** An open or a click now, through the sandbox's control API. */
const activity = async (messageId: string, kind: 'open' | 'click', link?: string): Promise<void> => await sandboxActivity(sandbox.url, messageId, kind, link);

/** Waits until every message has its delivery outcome (delivered, bounce) in the sandbox. */
async function outcomes(messageIds: string[]): Promise<void> {
	await waitFor('the delivery outcomes', async () => (messageIds.every((id) => sandbox.events.some((event) => event.messageId === id)) ? true : undefined), 30_000);
}

const eventRows = async () => await tableRows(api, tableIds.events);
const statusRows = async () => await tableRows(api, tableIds.status);

/** Waits until the event table holds every key and no execution of the archive is running. */
async function archived(keys: Set<string>, timeoutMs = 120_000): Promise<Row[]> {
	await waitFor(`${keys.size} archived events`, async () => {
		const have = new Set((await eventRows()).map((row) => String(row.eventKey)));
		return [...keys].every((key) => have.has(key)) ? true : undefined;
	}, timeoutMs, 1000);
	await workflowIdle(api, archiveId);
	return await eventRows();
}

/** The event lists the catch-up read since `sinceMs` (the sandbox logs every API call). */
const listsReadSince = (sinceMs: number) =>
	new Set(sandbox.calls.filter((call) => Date.parse(call.at) >= sinceMs && /smtp_events\/|opens|clicks/.test(call.path)).map((call) => call.path));

/**
 * Deactivating and activating makes n8n run the catch-up's poll (see the header). The API only
 * queues both in n8n's publication outbox, worked off every second here, so this waits until the
 * poll read all 8 event lists of the catch-up's default events.
 */
async function pollNow(): Promise<void> {
	const since = Date.now();
	await api('POST', `/workflows/${archiveId}/deactivate`);
	await api('POST', `/workflows/${archiveId}/activate`);
	await waitFor('the poll at activation', async () => (listsReadSince(since).size >= 8 ? true : undefined), 60_000, 250);
}

/** What the status row of a message must say, from the sandbox's events of it. */
function expectedStatus(messageId: string) {
	const seen = new Set<string>();
	const events = sandbox.events
		.filter((event) => event.messageId === messageId)
		.filter((event) => !seen.has(keyOf(event)) && seen.add(keyOf(event)));
	const count = (status: string) => events.filter((event) => event.status === status).length;
	return { messageId, openCount: count('open'), clickCount: count('track'), eventCount: events.length };
}

/** The lookup webhook's answer for one message. */
async function lookUp(messageId: string): Promise<{ status: number; body: any }> {
	const response = await fetch(`${url()}/webhook/${lookupPath}?messageId=${encodeURIComponent(messageId)}`);
	return { status: response.status, body: await response.json() };
}

/** The workflow as the suite runs it: the example, polling every minute (the smallest schedule n8n takes). */
function archiveForTest(): ExampleWorkflow {
	const copy = JSON.parse(JSON.stringify(archiveExample)) as ExampleWorkflow;
	copy.nodes.find((node) => node.name === CATCH_UP)!.parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
	return copy;
}

beforeAll(async () => {
	const port = await freePort();
	webhookTarget = { url: `http://127.0.0.1:${port}/webhook/${triggerWebhookId}/webhook`, format: 'json', secretKey: SECRET };
	sandbox = await startSandbox({
		port: 0,
		deliveredDelayMs: 100,
		// Short retries: while the archive is inactive, deliveries give up within a second.
		retryDelaysMs: [200, 500],
		webhooks: [webhookTarget],
	});
	instance = await startExampleInstance({ name: 'archive', sandboxUrl: sandbox.url, publish: [], port });
	apiKey = await createApiKey(url(), await login(url()));
	tableIds = await ensureArchiveTables(api);
	await createArchiveWorkflow(api, lookupExample, sandbox.url, tableIds);
	archiveId = await createArchiveWorkflow(api, archiveForTest(), sandbox.url, tableIds, false);
	await waitFor('the lookup webhook', async () => ((await fetch(`${url()}/webhook/${lookupPath}`)).status === 400 ? true : undefined), 60_000);
}, 15 * 60_000);

afterAll(async () => {
	console.log(`archive figures: ${JSON.stringify(figures, null, 1)}`);
	await stopExampleInstance(instance);
	await sandbox?.close();
});

describe('the event archive in a real n8n', () => {
	it('creates its Data Tables once: a second setup reuses them by name', async () => {
		expect(await ensureArchiveTables(api)).toEqual(tableIds);
		const tables = await api('GET', '/data-tables?limit=250');
		expect(tables.data.map((table: { name: string }) => table.name).sort()).toEqual(['EmailLabs events', 'EmailLabs message status']);
	});

	const quietMessages: string[] = [];
	it('(a) events of a time the workflow was off (webhooks failed and gave up) are archived by the catch-up poll at activation, each once', async () => {
		quietMessages.push(...(await send(['q1@example.com', 'q2@example.com', 'q3@example.com', 'q4@example.com', 'gone@bounce.test', 'complaint@example.com'])));
		await outcomes(quietMessages);
		await activity(quietMessages[0], 'open');
		await activity(quietMessages[0], 'click', 'https://acme.example/pricing');
		await activity(quietMessages[1], 'open');
		await sleep(1100);
		await activity(quietMessages[0], 'open');
		await sandbox.webhooksSettled(30_000);
		const deliveries = sandbox.webhooks.filter((delivery) => delivery.events.some((event) => quietMessages.includes(event.to.messageId.replace(/^<|>$/g, ''))));
		expect(deliveries.length).toBeGreaterThan(0);
		expect(deliveries.every((delivery) => delivery.state === 'failed' && delivery.attempts.length === 3 && delivery.attempts.every((attempt) => attempt.statusCode === 404))).toBe(true);

		const keys = keysOf(quietMessages);
		const started = Date.now();
		await api('POST', `/workflows/${archiveId}/activate`);
		const rows = (await archived(keys)).filter((row) => quietMessages.includes(String(row.messageId)));
		figures.whileOff = { messages: quietMessages.length, events: keys.size, failedDeliveries: deliveries.length, rows: rows.length, archivedWithinMs: Date.now() - started };
		expect(repeated(countBy(rows, 'eventKey'))).toEqual([]);
		expect(new Set(rows.map((row) => String(row.eventKey)))).toEqual(keys);
		expect(rows.every((row) => row.source === 'api')).toBe(true);

		const statuses = (await statusRows()).filter((row) => quietMessages.includes(String(row.messageId)));
		expect(statuses).toHaveLength(quietMessages.length);
		for (const id of quietMessages) expect(statuses.find((row) => row.messageId === id)).toMatchObject(expectedStatus(id));
		expect(statuses.find((row) => row.messageId === quietMessages[4])).toMatchObject({ event: 'hardBounce', bounceType: 'hard', bounceReason: expect.stringContaining('550') });
		expect(statuses.find((row) => row.messageId === quietMessages[0])).toMatchObject({ openCount: 2, clickCount: 1, firstOpenedAt: expect.any(String), firstClickedAt: expect.any(String) });
	}, 180_000);

	const busyMessages: string[] = [];
	it('(b) 30 messages with bounces, complaints, opens and clicks, by webhook and by API polls at once: every event archived exactly once', async () => {
		const addresses = Array.from({ length: 30 }, (_, i) => (i % 10 === 3 ? `b${i}@bounce.test` : i % 10 === 7 ? `complaint@c${i}.example` : `r${i}@example.com`));
		const rowsBefore = (await eventRows()).length;
		busyMessages.push(...(await send(addresses)));
		await outcomes(busyMessages);
		// Opens and clicks in three rounds a second apart, a poll forced after each of the first two
		// while webhooks are still arriving. In round 1 the webhook path is down (the sandbox sends to a
		// URL n8n does not know, 404, and gives up after its retries): those events only the API has.
		const outage: number[] = [];
		for (let round = 0; round < 3; round++) {
			if (round === 1) sandbox.setWebhookTargets([{ ...webhookTarget, url: `${url()}/webhook/${triggerWebhookId}-gone/webhook` }]);
			const firstDelivery = sandbox.webhooks.length;
			for (const [i, id] of busyMessages.entries()) {
				if (addresses[i].includes('bounce.test')) continue;
				if ((i + round) % 2 === 0) await activity(id, 'open');
				if ((i + round) % 3 === 0) await activity(id, 'click', `https://acme.example/p/${round}`);
			}
			if (round === 1) {
				outage.push(...sandbox.webhooks.slice(firstDelivery).map((delivery) => delivery.id));
				await sandbox.webhooksSettled(30_000);
				sandbox.setWebhookTargets([webhookTarget]);
			}
			if (round < 2) await pollNow();
			await sleep(1100);
		}
		await sandbox.webhooksSettled(30_000);
		// A scheduled poll (every minute) after every webhook went out: it reads the same events again.
		const settledAt = Date.now();
		await waitFor('a scheduled poll', async () => (listsReadSince(settledAt).size >= 8 ? true : undefined), 90_000, 1000);
		figures.scheduledPollAfterMs = Date.now() - settledAt;
		await sleep(2000);
		await pollNow();

		const keys = keysOf(busyMessages);
		const all = await archived(keys);
		const rows = all.filter((row) => busyMessages.includes(String(row.messageId)));
		const executions = await allExecutions(archiveId, true);
		const itemsOf = (node: string) => executions.reduce((sum, execution) => sum + (execution.data?.resultData.runData[node]?.[0]?.data?.main[0]?.length ?? 0), 0);
		const byWebhook = itemsOf('EmailLabs Trigger');
		const byPoll = itemsOf(CATCH_UP);
		const emitted = byWebhook + byPoll;
		const inserted = itemsOf('Archive Events');
		const deliveries = sandbox.webhooks.filter((delivery) => delivery.events.some((event) => busyMessages.includes(event.to.messageId.replace(/^<|>$/g, ''))));
		const lost = new Set(deliveries.filter((delivery) => outage.includes(delivery.id)).flatMap((delivery) => delivery.events.map((event) => keyOf({ ...event, messageId: event.to.messageId.replace(/^<|>$/g, '') }))));
		figures.bothPaths = {
			messages: busyMessages.length,
			events: keys.size,
			eventsWhileWebhooksDown: lost.size,
			rows: rows.length,
			bySource: Object.fromEntries(countBy(rows, 'source')),
			webhookDeliveries: {
				delivered: deliveries.filter((delivery) => delivery.state === 'delivered').length,
				gaveUp: deliveries.filter((delivery) => delivery.state === 'failed').length,
				attempts: deliveries.flatMap((delivery) => delivery.attempts).reduce<Record<string, number>>((counts, attempt) => {
					const answer = String(attempt.statusCode ?? attempt.error);
					counts[answer] = (counts[answer] ?? 0) + 1;
					return counts;
				}, {}),
			},
			executions: executions.length,
			failedExecutions: executions.filter((execution) => execution.status !== 'success').length,
			itemsFromTriggers: { webhook: byWebhook, poll: byPoll },
			rowsInserted: inserted,
			droppedByArchiveCheck: emitted - inserted,
			totalRows: all.length,
			rowsBefore,
		};
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		expect(repeated(countBy(all, 'eventKey'))).toEqual([]);
		// The events whose webhooks were lost came by the API; most others by webhook (then the polls
		// read them again and dropped them), a few by a poll that was quicker than their webhook.
		expect(lost.size).toBeGreaterThan(0);
		expect(deliveries.filter((delivery) => outage.includes(delivery.id)).every((delivery) => delivery.state === 'failed')).toBe(true);
		expect(rows.filter((row) => lost.has(String(row.eventKey)) && row.source !== 'api')).toEqual([]);
		expect(rows.filter((row) => row.source === 'webhook').length).toBeGreaterThan(0);
		expect(new Set(rows.map((row) => String(row.eventKey)))).toEqual(keys);
		// No event reached the archive twice from the triggers either (their shared memory held).
		expect(emitted).toBe(inserted);

		const statuses = await statusRows();
		expect(repeated(countBy(statuses, 'messageId'))).toEqual([]);
		for (const id of busyMessages) expect(statuses.find((row) => row.messageId === id)).toMatchObject(expectedStatus(id));
	}, 300_000);

	it('(c) after the sandbox purged the messages (retention), the lookup still answers their full history, also after an n8n restart', async () => {
		const sample = [busyMessages[0], busyMessages[3], busyMessages[7], quietMessages[0]];
		const before = await Promise.all(sample.map(lookUp));
		for (const [i, answer] of before.entries()) {
			expect(answer.status).toBe(200);
			expect(answer.body.history.map((entry: any) => `${entry.messageId}|${entry.status}|${entry.timestamp}|${entry.url ?? ''}`).sort()).toEqual([...keysOf([sample[i]])].sort());
			const times = answer.body.history.map((entry: any) => entry.timestamp);
			expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
		}
		const rowCount = (await eventRows()).length;

		await fetch(`${sandbox.url}/_sandbox/retention`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 1 }) });
		await waitFor('the purge', async () => ((await fetch(`${sandbox.url}/_sandbox/messages/${encodeURIComponent(sample[0])}`)).status === 404 ? true : undefined), 10_000);
		expect(sandbox.events.filter((event) => sample.includes(event.messageId))).toEqual([]);
		expect((await Promise.all(sample.map(lookUp))).map((answer) => answer.body)).toEqual(before.map((answer) => answer.body));

		await instance.n8n.stop();
		instance.n8n = await startN8n(instance.options);
		await waitFor('the lookup after the restart', async () => ((await fetch(`${url()}/webhook/${lookupPath}`)).status === 400 ? true : undefined), 60_000);
		expect((await Promise.all(sample.map(lookUp))).map((answer) => answer.body)).toEqual(before.map((answer) => answer.body));
		expect((await eventRows()).length).toBe(rowCount);
		const unknown = await lookUp('never-sent@acme.example');
		expect(unknown).toEqual({ status: 404, body: { messageId: 'never-sent@acme.example', error: expect.any(String) } });
		expect((await fetch(`${url()}/webhook/${lookupPath}`)).status).toBe(400);

		// The archive keeps working after the restart: a new message's events arrive once.
		const [fresh] = await send(['after-restart@example.com']);
		await outcomes([fresh]);
		const keys = keysOf([fresh]);
		await sandbox.webhooksSettled(30_000);
		const rows = (await archived(keys)).filter((row) => row.messageId === fresh);
		expect(rows).toHaveLength(keys.size);
		figures.afterRetentionAndRestart = { sampleMessages: sample.length, historyEntries: before.map((answer) => answer.body.history.length), rowsKept: rowCount, freshRows: rows.length };
	}, 240_000);

	it('shows the archive workflow on the canvas (screenshot)', async () => {
		await screenshotWorkflow(url(), archiveId, ['EmailLabs Trigger', CATCH_UP, 'Archive Events', 'Advance Status Row'], join(DOCS, 'example-event-archive.png'));
	}, 120_000);
});
