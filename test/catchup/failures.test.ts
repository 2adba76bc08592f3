/**
 * What must not move the cursor or record keys: failed requests (401, 5xx after the transport's
 * retries), "Fetch Test Event", and an API v2.1 credential (refused before any request).
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { STORED_LISTS } from '../../nodes/EmailLabsTrigger/pipeline/seenMemory';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { catchUpHarness, cursors, events, legacyCredential, listCalls, messageIds, nowSeconds, SANDBOX_OPTIONS, v2Credential } from './support';

let sandbox: Sandbox;
beforeAll(async () => (sandbox = await startSandbox(SANDBOX_OPTIONS)));
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe('failures move nothing', () => {
	it('401: a clear NodeApiError; cursor and seen keys stay; the next good poll hands the events on', async () => {
		const now = nowSeconds();
		sandbox.addBulkEvents({ count: 2, status: 'hardbounce', fromUnix: now - 120, toUnix: now - 100 });
		const harness = catchUpHarness(sandbox, { events: ['hardBounce'] });
		expect((await harness.poll()).items).toHaveLength(2);
		const before = harness.savedStaticData();

		const pending = sandbox.addBulkEvents({ count: 3, status: 'hardbounce', fromUnix: now - 50, toUnix: now - 40 });
		await harness.credentialsHelper.updateCredentials({ id: '1', name: 'test' }, 'emailLabsApi', legacyCredential(sandbox, { secretKey: 'wrong' }) as never);
		const failed = await harness.poll();
		expect(failed.items).toBeNull();
		expect(failed.cursorCommitted).toBe(false);
		expect(failed.error).toBeInstanceOf(NodeApiError);
		expect(failed.error).toMatchObject({ httpCode: '401', message: expect.stringContaining('EmailLabs did not accept the API keys') });
		expect(harness.savedStaticData()).toEqual(before);

		await harness.credentialsHelper.updateCredentials({ id: '1', name: 'test' }, 'emailLabsApi', legacyCredential(sandbox) as never);
		const recovered = await harness.poll();
		expect(messageIds(recovered.items)).toEqual([pending.firstMessageId, expect.any(String), pending.lastMessageId]);
	});

	it('5xx on one stream after the retries: nothing of the poll counts, not even the other stream’s events', async () => {
		const now = nowSeconds();
		const bounces = sandbox.addBulkEvents({ count: 2, status: 'hardbounce', fromUnix: now - 60, toUnix: now - 50 });
		const opens = sandbox.addBulkEvents({ count: 1, status: 'open', fromUnix: now - 40, toUnix: now - 40 });
		const harness = catchUpHarness(sandbox, { events: ['hardBounce', 'opened'] });
		// Every try of the transport (3 by default) gets 503; Retry-After 0 keeps the test fast.
		sandbox.setFaults([{ path: 'opens', mode: 'status', status: 503, times: 3, retryAfter: 0 }]);

		const failed = await harness.poll();
		expect(failed.error).toBeInstanceOf(NodeApiError);
		expect(failed.error).toMatchObject({ httpCode: '503' });
		expect(sandbox.faults.total).toBe(3);
		expect(listCalls(sandbox, 'smtp_events/hardbounce')).toHaveLength(1);
		expect(harness.nodeStaticData).toEqual({});
		expect(harness.globalStaticData[STORED_LISTS.workflowEventKeys]).toBeUndefined();

		const recovered = await harness.poll();
		expect(recovered.error).toBeUndefined();
		expect(messageIds(recovered.items)).toEqual([bounces.firstMessageId, bounces.lastMessageId, opens.firstMessageId]);
	});

	it('an empty list (EmailLabs’ 404 "No items") is no error: null, and the cursor moves', async () => {
		const harness = catchUpHarness(sandbox, { events: ['dropped'] });
		const outcome = await harness.poll();
		expect(outcome).toMatchObject({ items: null, cursorCommitted: true });
		expect(outcome.error).toBeUndefined();
		expect(listCalls(sandbox, 'smtp_events/dropped')[0].statusCode).toBe(404);
		expect(cursors(harness)['smtp_events/dropped']).toEqual(expect.any(Number));
	});
});

describe('Fetch Test Event (manual execution through WorkflowExecute)', () => {
	it('returns up to 5 recent events, newest first, without moving the cursor or recording keys', async () => {
		const now = nowSeconds();
		const batch = sandbox.addBulkEvents({ count: 8, status: 'click', fromUnix: now - 80, toUnix: now - 10 });
		const harness = catchUpHarness(sandbox, { events: ['clicked'] });

		const manual = await harness.manual();
		expect(manual.error).toBeUndefined();
		const shown = events(manual.items);
		expect(shown).toHaveLength(5);
		expect(shown[0].messageId).toBe(batch.lastMessageId);
		expect(shown.map((event) => event.timestamp)).toEqual([...shown.map((event) => event.timestamp)].sort((a, b) => b! - a!));
		expect(listCalls(sandbox, 'clicks')[0].query).toMatchObject({ sort: '-created_at', limit: '5' });
		expect(harness.savedStaticData()).toEqual({});

		// The active workflow still gets every one of them.
		expect((await harness.poll()).items).toHaveLength(8);
	});

	it('says so when there is nothing to show', async () => {
		const manual = await catchUpHarness(sandbox, { events: ['spamBounce'] }).manual();
		expect(manual.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringContaining('No events of the selected kinds') });
	});
});

describe('API v2.1 credential', () => {
	it('is refused with the events it cannot fetch, before any request', async () => {
		const harness = catchUpHarness(sandbox, { events: ['hardBounce', 'opened'] }, v2Credential(sandbox));
		const outcome = await harness.poll();
		expect(outcome.error).toBeInstanceOf(NodeOperationError);
		expect(outcome.error).toMatchObject({
			message: 'The EmailLabs Catch-Up Trigger needs a Legacy API credential',
			description: expect.stringMatching(/none of these events can be fetched: Delivered, Soft Bounce, Hard Bounce, .*Opened, Clicked/),
		});
		expect((await harness.manual()).error).toMatchObject({ message: 'The EmailLabs Catch-Up Trigger needs a Legacy API credential' });
		expect(sandbox.calls).toHaveLength(0);
		expect(harness.savedStaticData()).toEqual({});
	});
});
