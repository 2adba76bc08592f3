/**
 * "Exactly once" where it used to break: concurrent batches whose executions save static data in
 * any order (n8n saves an execution's whole static data when it ends, last writer wins), re-sends
 * of earlier batches after everything finished, a restart, and one unreadable event in a batch.
 * The harness emulates n8n's database and runs the trigger's execute() through n8n-core.
 */
import type { IDataObject } from 'n8n-workflow';

import { allCredential, newPanelEvent, newPanelHeaders } from './fixtures';
import { uniqueRequestId, WebhookHarness, type HarnessOptions } from './webhookHarness';

const harnesses: WebhookHarness[] = [];

async function start(options: HarnessOptions = {}): Promise<WebhookHarness> {
	const harness = await WebhookHarness.start({ credential: allCredential, persistStaticDataAsJson: true, ...options });
	harnesses.push(harness);
	return harness;
}

afterEach(async () => {
	for (const harness of harnesses.splice(0)) {
		expect(harness.failedExecutions).toEqual([]);
		await harness.close();
	}
});

/** Batch `b` of 10 events that no other batch shares. */
const uniqueBatch = (b: number) => Array.from({ length: 10 }, (_, i) => newPanelEvent({ to: { email: `r${b}-${i}@example.com`, messageId: `m${b}-${i}@acme.example` } }, b * 10 + i));

interface Sent {
	body: string;
	headers: Record<string, string>;
}

const post = (harness: WebhookHarness, sent: Sent) => harness.post({ body: sent.body, headers: sent.headers });

/** Every event that ran, by message id, counted over all executions. */
function runsPerEvent(harness: WebhookHarness): Map<string, number> {
	const counts = new Map<string, number>();
	for (const execution of harness.executions) {
		for (const item of execution) {
			const id = (item.json as IDataObject).messageId as string;
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
	}
	return counts;
}

describe('exactly once under concurrency, re-sends and restarts', () => {
	it('100 batches at concurrency 20, 20 of them sent twice at once, all re-sent later and after a restart: every event runs once', async () => {
		const harness = await start({ executionMs: () => Math.floor(Math.random() * 25) });
		const sent: Sent[] = Array.from({ length: 100 }, (_, b) => ({ body: JSON.stringify(uniqueBatch(b)), headers: newPanelHeaders(uniqueRequestId()) }));
		const first = [...sent, ...sent.slice(0, 20)];
		for (let i = 0; i < first.length; i += 20) await Promise.all(first.slice(i, i + 20).map((one) => post(harness, one)));
		expect(harness.executions).toHaveLength(100);

		// EmailLabs retries earlier batches, not only the last one, after every execution has saved.
		const resent = await Promise.all(sent.map((one) => post(harness, one)));
		expect(resent.map((reply) => reply.status)).toEqual(sent.map(() => 200));
		expect(harness.executions).toHaveLength(100);

		// A new process knows only what was saved.
		harness.restart();
		for (let i = 0; i < sent.length; i += 20) await Promise.all(sent.slice(i, i + 20).map((one) => post(harness, one)));
		expect(harness.executions).toHaveLength(100);

		const counts = runsPerEvent(harness);
		expect(counts.size).toBe(1000);
		expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
	});

	it('keeps what create() stored when executions save', async () => {
		const harness = await start();
		await post(harness, { body: JSON.stringify(uniqueBatch(1)), headers: newPanelHeaders(uniqueRequestId()) });
		const stored = harness.storedStaticData['node:EmailLabs Trigger'] as IDataObject;
		expect(stored.webhookRegistration).toMatchObject({ url: harness.productionUrl });
		expect(Object.keys(stored).sort()).toEqual(['recentRequestBodies', 'recentRequestIds', 'webhookRegistration']);
		expect(Object.keys(harness.storedStaticData.global as IDataObject)).toEqual(['emailLabsEventKeys']);
	});

	it('an execution started without the stored static data (queue-mode worker) writes nothing back', async () => {
		const harness = await start({ executionsLikeQueueWorker: true });
		const before = JSON.stringify(harness.storedStaticData);
		await post(harness, { body: JSON.stringify(uniqueBatch(6)), headers: newPanelHeaders(uniqueRequestId()) });
		expect(harness.executions).toHaveLength(1);
		expect(JSON.stringify(harness.storedStaticData)).toBe(before);
		expect((harness.storedStaticData['node:EmailLabs Trigger'] as IDataObject).webhookRegistration).toBeDefined();
	});

	it('saves after a duplicate that starts no execution, so a restart still knows it', async () => {
		const harness = await start();
		const batch: Sent = { body: JSON.stringify(uniqueBatch(2)), headers: newPanelHeaders(uniqueRequestId()) };
		await post(harness, batch);
		expect((await post(harness, batch)).json).toEqual({ received: true, reason: 'duplicate' });
		harness.restart();
		expect((await post(harness, batch)).json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(1);
	});

	it('marks re-sent events as retries and refuses a known request id carrying another body (409)', async () => {
		const harness = await start();
		const requestId = uniqueRequestId();
		await post(harness, { body: JSON.stringify(uniqueBatch(3)), headers: newPanelHeaders(requestId) });
		const forged = await post(harness, { body: JSON.stringify(uniqueBatch(4)), headers: newPanelHeaders(requestId) });
		expect(forged.status).toBe(409);
		expect(forged.json).toMatchObject({ code: 'request_id_reused' });
		expect(harness.executions).toHaveLength(1);
		expect(harness.logs.some((entry) => entry.level === 'warn' && /different body/.test(entry.message))).toBe(true);

		const mixed = await post(harness, { body: JSON.stringify([...uniqueBatch(3), ...uniqueBatch(5)]), headers: newPanelHeaders(uniqueRequestId()) });
		expect(mixed.execution!.map((item) => (item.json as IDataObject).isRetry)).toEqual(Array(10).fill(true));
	});
});

describe('one unreadable event never fails its batch', () => {
	it.each([
		['a number beyond any date', 1e20],
		['a numeric string beyond any date', '100000000000000000000'],
		['an object', { nested: true }],
	])('statusTime %s: the other events run, the odd one is named', async (_name, statusTime) => {
		const harness = await start();
		const events = [newPanelEvent({}, 1), newPanelEvent({ statusTime }, 2), newPanelEvent({}, 3)];
		const reply = await post(harness, { body: JSON.stringify(events), headers: newPanelHeaders(uniqueRequestId()) });
		expect(reply.status).toBe(200);
		const items = reply.execution!.map((item) => item.json as IDataObject);
		expect(items.map((item) => item.messageId)).toEqual(['msg-1@acme.example', 'msg-2@acme.example', 'msg-3@acme.example']);
		expect(items[1]).toMatchObject({ event: 'hardBounce', occurredAt: null, problem: expect.stringContaining('statusTime') });
		expect(items[0].problem).toBeUndefined();
	});
});
