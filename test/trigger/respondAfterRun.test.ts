/**
 * Respond "After the Workflow Has Run" (n8n response mode lastNode): EmailLabs gets 200 only for a
 * run that finished, and de-duplication lets a re-delivery through exactly when the first run did
 * not finish. The harness answers 500 for a failed run, as n8n does (also for a queue-mode job
 * whose worker died).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { allCredential, newPanelEvent, newPanelHeaders } from './fixtures';
import { RUNNING_LIMIT_MS, StoredKeys } from '../../nodes/EmailLabsTrigger/pipeline/storedKeys';
import { uniqueRequestId, WebhookHarness, type HarnessOptions } from './webhookHarness';

const harnesses: WebhookHarness[] = [];

async function start(options: HarnessOptions = {}): Promise<WebhookHarness> {
	const harness = await WebhookHarness.start({ credential: allCredential, parameters: { respond: 'lastNode' }, ...options });
	harnesses.push(harness);
	return harness;
}

afterEach(async () => {
	for (const harness of harnesses.splice(0)) await harness.close();
});

const batch = (b: number) => JSON.stringify(Array.from({ length: 3 }, (_, i) => newPanelEvent({ to: { email: `r${b}-${i}@example.com`, messageId: `m${b}-${i}@acme.example` } }, b * 10 + i)));
const messageIds = (items: INodeExecutionData[]) => items.map((item) => (item.json as IDataObject).messageId as string);

/** Fails the first run of each message set, succeeds afterwards. */
function failFirstRun(): (items: INodeExecutionData[]) => boolean {
	const seen = new Set<string>();
	return (items) => {
		const key = messageIds(items).join(',');
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	};
}

describe('Respond: After the Workflow Has Run', () => {
	it('answers 200 after a finished run and drops its re-delivery', async () => {
		const harness = await start();
		const sent = { body: batch(1), headers: newPanelHeaders(uniqueRequestId()) };
		expect((await harness.post(sent)).status).toBe(200);
		expect((await harness.post(sent)).json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(1);
	});

	it('lets the re-delivery of a failed run through, once', async () => {
		const harness = await start({ runFails: failFirstRun() });
		const sent = { body: batch(2), headers: newPanelHeaders(uniqueRequestId()) };
		expect((await harness.post(sent)).status).toBe(500);
		const redelivery = await harness.post(sent);
		expect(redelivery.status).toBe(200);
		expect(messageIds(redelivery.execution!)).toEqual(['m2-0@acme.example', 'm2-1@acme.example', 'm2-2@acme.example']);
		expect((await harness.post(sent)).json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(2);
	});

	it('answers 409 to a copy that arrives while the first run is still under way, and nothing is lost if that run fails', async () => {
		const harness = await start({ executionMs: () => 150, runFails: failFirstRun() });
		const sent = { body: batch(3), headers: newPanelHeaders(uniqueRequestId()) };
		// The same events under another request id (EmailLabs' secondary URL) are held as well.
		const copy = { body: batch(3), headers: newPanelHeaders(uniqueRequestId()) };
		const first = harness.post(sent);
		await new Promise((resolve) => setTimeout(resolve, 30));
		const [sameRequest, sameEvents] = await Promise.all([harness.post(sent), harness.post(copy)]);
		expect([sameRequest.status, sameEvents.status]).toEqual([409, 409]);
		expect(sameRequest.json).toMatchObject({ code: 'still_running' });
		expect((await first).status).toBe(500);
		expect(harness.executions).toHaveLength(1);
		// EmailLabs delivers the refused copies again later: exactly one of them runs.
		const later = [await harness.post(copy), await harness.post(sent)];
		expect(later.map((reply) => reply.status)).toEqual([200, 200]);
		expect(later[1].json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(2);
	});

	it.each([
		['finished', false, 1],
		['failed', true, 2],
	])('follows the verdict n8n answers with after EmailLabs stopped waiting (run %s)', async (_name, fails, executions) => {
		const harness = await start({ executionMs: () => 200, runFails: () => fails });
		const sent = { body: batch(4), headers: newPanelHeaders(uniqueRequestId()) };
		await expect(harness.post({ ...sent, timeoutMs: 40 })).rejects.toThrow();
		await new Promise((resolve) => setTimeout(resolve, 300));
		harness.configure({ runFails: () => false });
		await harness.post(sent);
		expect(harness.executions).toHaveLength(executions);
	});

	it('stores only finished runs (n8n database emulation: execute() and saves run as in n8n)', async () => {
		const harness = await start({ persistStaticDataAsJson: true, runFails: failFirstRun() });
		const failed = { body: batch(5), headers: newPanelHeaders(uniqueRequestId()) };
		const finished = { body: batch(6), headers: newPanelHeaders(uniqueRequestId()) };
		expect((await harness.post(failed)).status).toBe(500);
		harness.configure({ runFails: () => false });
		expect((await harness.post(finished)).status).toBe(200);
		// n8n saves an execution's static data before it answers, so a finished run is stored by the
		// next save: here the next execution's.
		expect((await harness.post({ body: batch(7), headers: newPanelHeaders(uniqueRequestId()) })).status).toBe(200);
		// A restart knows what was saved: the finished batches, not the failed one.
		harness.restart();
		expect((await harness.post(finished)).json).toEqual({ received: true, reason: 'duplicate' });
		expect((await harness.post(failed)).status).toBe(200);
		expect(harness.executions).toHaveLength(4);
	});
});

describe('keys held by a run that answers afterwards', () => {
	it('count as present for every other path (the catch-up trigger) until the answer', () => {
		const keys = new StoredKeys(10, undefined, 'list');
		keys.hold(7, 1_000);
		expect(keys.has(7, 2_000)).toBe(true);
		expect(keys.add(7, 2_000)).toBe(false);
		keys.release(7);
		expect(keys.add(7, 3_000)).toBe(true);
		keys.hold(8, 1_000);
		keys.confirm(8);
		expect(keys.state(8, 2_000)).toBe('seen');
		expect(keys.unsaved).toBe(true);
	});

	it('are free again after RUNNING_LIMIT_MS (a run n8n never answered)', () => {
		const keys = new StoredKeys(10, undefined, 'list');
		keys.hold(9, 0);
		expect(keys.state(9, RUNNING_LIMIT_MS - 1)).toBe('running');
		expect(keys.add(9, RUNNING_LIMIT_MS)).toBe(true);
	});
});
