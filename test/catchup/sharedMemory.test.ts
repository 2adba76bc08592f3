/**
 * De-duplication shared with the EmailLabs Trigger: the same event by webhook and by API has one
 * key, an event the webhook trigger recorded is not started again, and the keys and cursors
 * survive in the static data n8n saves.
 */
import type { IDataObject } from 'n8n-workflow';

import { EventNormaliser, eventKey, type NormalisedEvent } from '../../nodes/EmailLabsTrigger/pipeline/normaliseEvent';
import { STORED_LISTS, workflowEventMemory } from '../../nodes/EmailLabsTrigger/pipeline/seenMemory';
import { startSandbox, type Sandbox, type WebhookEvent } from '../../sandbox/server';
import { catchUpHarness, events, messageIds, nowSeconds, SANDBOX_OPTIONS } from './support';

let sandbox: Sandbox;
beforeAll(async () => (sandbox = await startSandbox(SANDBOX_OPTIONS)));
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	// Nothing listens there: only the bodies the sandbox builds for its webhooks are needed.
	sandbox.setWebhookTargets([{ url: 'http://127.0.0.1:9/webhook', format: 'json', secretKey: 'unused' }]);
});
afterEach(() => sandbox.setWebhookTargets([]));

/** Fires an event and returns the body of its webhook. */
function fire(messageId: string, status: string, extra: { url?: string } = {}): WebhookEvent {
	const [delivery] = sandbox.fireEvent(messageId, status, extra);
	return delivery.events[0];
}

/** The EmailLabs Trigger's reading of a webhook body: new panel (JSON) or old-panel Event API. */
function webhookEvent(body: WebhookEvent, legacy = false): NormalisedEvent {
	return new EventNormaliser({ requestId: 'webhook-request', isRetry: false, legacy }).normalise(body as unknown as Record<string, unknown>)!;
}

describe('one key for one event, by webhook or by API', () => {
	it('status, open and click events polled from the API have the keys the webhook trigger gives their webhooks', async () => {
		const now = nowSeconds();
		const batch = sandbox.addBulkEvents({ count: 3, status: 'ok', fromUnix: now - 30, toUnix: now - 20 });
		const [first, , last] = [batch.firstMessageId, '', batch.lastMessageId];
		const bodies = [
			fire(first, 'open'),
			fire(first, 'click', { url: 'https://acme.example/offer?id=1' }),
			fire(first, 'click', { url: 'https://acme.example/offer?id=2' }),
			fire(last, 'hardbounce'),
			fire(last, 'complaint'),
		];
		const harness = catchUpHarness(sandbox, { events: ['opened', 'clicked', 'hardBounce', 'spamComplaint'] });
		const polled = events((await harness.poll()).items);
		expect(polled).toHaveLength(5);

		const apiKeys = polled.map((event) => eventKey(event)).sort();
		expect(apiKeys.every((key) => typeof key === 'number')).toBe(true);
		expect(bodies.map((body) => eventKey(webhookEvent(body))).sort()).toEqual(apiKeys);
		expect(bodies.map((body) => eventKey(webhookEvent(body, true))).sort()).toEqual(apiKeys);
		// And the items themselves agree field by field, apart from where they came from.
		const strip = (event: NormalisedEvent) => {
			const copy: Partial<NormalisedEvent> = { ...event };
			delete copy.raw;
			delete copy.requestId;
			delete copy.source;
			return copy;
		};
		const byKey = new Map(polled.map((event) => [eventKey(event), strip(event)]));
		for (const body of bodies) expect(byKey.get(eventKey(webhookEvent(body)))).toEqual(strip(webhookEvent(body)));
	});
});

describe('shared de-duplication with the EmailLabs Trigger', () => {
	it('does not start an event the webhook trigger already started in this workflow', async () => {
		const now = nowSeconds();
		const batch = sandbox.addBulkEvents({ count: 2, status: 'ok', fromUnix: now - 30, toUnix: now - 20 });
		const viaWebhook = fire(batch.firstMessageId, 'softbounce');
		const onlyByApi = fire(batch.lastMessageId, 'softbounce');
		const harness = catchUpHarness(sandbox, { events: ['softBounce'] });
		// What the webhook trigger records when it runs an event.
		workflowEventMemory({ workflowId: harness.workflowId, manual: false }, harness.globalStaticData).add(eventKey(webhookEvent(viaWebhook))!);

		const outcome = await harness.poll();
		expect(messageIds(outcome.items)).toEqual([onlyByApi.to.messageId]);
		// The poll's own keys go into the shared list, for the webhook trigger to see.
		const memory = workflowEventMemory({ workflowId: harness.workflowId, manual: false }, harness.globalStaticData);
		expect(memory.has(eventKey(webhookEvent(onlyByApi))!)).toBe(true);
		expect((harness.savedStaticData().global as IDataObject)[STORED_LISTS.workflowEventKeys]).toMatchObject({ packed: expect.any(String) });
	});

	it('cursors and seen keys survive in the static data n8n saves (a new process reads them back)', async () => {
		const now = nowSeconds();
		const batch = sandbox.addBulkEvents({ count: 4, status: 'dropped', fromUnix: now - 200, toUnix: now - 100 });
		const harness = catchUpHarness(sandbox, { events: ['dropped'] });
		expect((await harness.poll()).items).toHaveLength(4);
		const saved = harness.savedStaticData();

		// A fresh module registry is a new n8n process: no memory held, only what was saved.
		const pollInNewProcess = async (staticData: IDataObject) => {
			let outcome: { items: unknown[] | null; error?: unknown } | undefined;
			await jest.isolateModulesAsync(async () => {
				const { EmailLabsCatchUpTrigger } = await import('../../nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node');
				const fresh = catchUpHarness(sandbox, { events: ['dropped'] }, undefined, { nodeType: new EmailLabsCatchUpTrigger(), workflowId: harness.workflowId, staticData });
				outcome = await fresh.poll();
			});
			return outcome!;
		};

		// The overlap is read again, and every event in it is known from the saved keys.
		const restarted = await pollInNewProcess(saved);
		expect(restarted).toMatchObject({ items: null, cursorCommitted: true });
		const reread = sandbox.calls.filter((call) => call.path.endsWith('smtp_events/dropped'))[1];
		expect(Number(reread.query.from_time)).toBeLessThanOrEqual(batch.fromUnix);
		// Control: the same process start without the saved keys would hand them on again.
		const withoutKeys = { ...saved };
		delete withoutKeys.global;
		expect((await pollInNewProcess(withoutKeys)).items).toHaveLength(4);
	});
});
