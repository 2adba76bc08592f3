import type { IDataObject } from 'n8n-workflow';

import { secretsFromCredential } from '../../nodes/EmailLabsTrigger/pipeline/credential';
import { processWebhookRequest, recordSeenEvents } from '../../nodes/EmailLabsTrigger/pipeline/processRequest';
import { SeenMemory } from '../../nodes/EmailLabsTrigger/pipeline/seenMemory';
import { readTriggerSettings } from '../../nodes/EmailLabsTrigger/pipeline/settings';
import { allCredential, newPanelEvent, newPanelHeaders } from './fixtures';

/**
 * The de-duplication memory: webhook() checks and records against it in one step; the static data
 * gets a live view that n8n serialises when it saves. These tests use the pure pieces; the
 * webhook harness and the end-to-end suite run them inside n8n.
 */
function settingsFor(output: 'normalised' | 'raw') {
	const result = readTriggerSettings(['hardBounce', 'delivered'], output, {});
	if (!result.ok) throw new Error(result.message);
	return result.settings;
}

function deliver(memory: SeenMemory, requestId: string, events: unknown[], output: 'normalised' | 'raw' = 'normalised', body?: string) {
	const rawBody = Buffer.from(body ?? JSON.stringify(events));
	return processWebhookRequest(
		{ headers: { 'content-type': 'application/json', ...newPanelHeaders(requestId) }, remoteAddress: '127.0.0.1', rawBody, parsedBody: JSON.parse(rawBody.toString()), contentType: 'application/json' },
		settingsFor(output),
		secretsFromCredential(allCredential),
		memory,
		Date.now(),
	);
}

/** What n8n does when it saves and a new process loads: JSON out, JSON in. */
const saveAndLoad = (memory: SeenMemory): IDataObject => {
	const staticData: IDataObject = {};
	memory.mirrorInto(staticData);
	return JSON.parse(JSON.stringify(staticData)) as IDataObject;
};

describe.each<'normalised' | 'raw'>(['normalised', 'raw'])('recordSeenEvents (%s output)', (output) => {
	const batch = [newPanelEvent({}, 1), newPanelEvent({ status: 'ok' }, 2)];

	it('records the events of an execution that ran in another process (a queue-mode worker)', () => {
		const first = deliver(new SeenMemory({}), 'req-1', batch, output);
		expect(first.action).toBe('run');
		const elsewhere = new SeenMemory({});
		recordSeenEvents(elsewhere, (first as { items: IDataObject[] }).items, output);
		const retry = deliver(new SeenMemory(saveAndLoad(elsewhere)), 'req-1', batch, output);
		expect(retry).toMatchObject({ action: 'acknowledge', reason: 'duplicate' });
	});

	it('keeps new events of a partly seen batch', () => {
		const memory = new SeenMemory({});
		deliver(memory, 'req-2', batch, output);
		const mixed = deliver(memory, 'req-3', [...batch, newPanelEvent({}, 3)], output);
		expect(mixed.action).toBe('run');
		expect((mixed as { items: IDataObject[] }).items).toHaveLength(1);
		expect((mixed as { stats: { isRetry: boolean } }).stats.isRetry).toBe(true);
	});
});

describe('the de-duplication memory', () => {
	const batch = [newPanelEvent({}, 1), newPanelEvent({}, 2)];

	it('serialises the whole memory at save time, so an earlier execution saving last drops nothing', () => {
		const memory = new SeenMemory({});
		const firstExecution: IDataObject = {};
		deliver(memory, 'req-a', [newPanelEvent({}, 10)]);
		memory.mirrorInto(firstExecution);
		deliver(memory, 'req-b', [newPanelEvent({}, 11)]);
		// The first execution saves after the second one recorded its batch.
		const restarted = new SeenMemory(JSON.parse(JSON.stringify(firstExecution)) as IDataObject);
		expect(deliver(restarted, 'req-b', [newPanelEvent({}, 11)])).toMatchObject({ action: 'acknowledge', reason: 'duplicate' });
		expect(deliver(restarted, 'req-a', [newPanelEvent({}, 10)])).toMatchObject({ action: 'acknowledge', reason: 'duplicate' });
	});

	it('merges lists stored by another process, and skips what it wrote itself', () => {
		const here = new SeenMemory({});
		const there = new SeenMemory({});
		deliver(there, 'req-there', batch);
		const stored = saveAndLoad(there);
		here.mergeStored(stored);
		expect(deliver(here, 'req-there', batch)).toMatchObject({ reason: 'duplicate' });
		const own = saveAndLoad(here);
		const before = here.eventKeys.keys.size;
		here.mergeStored(own);
		expect(here.eventKeys.keys.size).toBe(before);
	});

	it('refuses a known request id that comes with another body, and logs nothing secret in the outcome', () => {
		const memory = new SeenMemory({});
		expect(deliver(memory, 'req-bound', batch).action).toBe('run');
		const forged = deliver(memory, 'req-bound', [newPanelEvent({ status: 'ok' }, 99)]);
		expect(forged).toMatchObject({ action: 'reject', status: 409, code: 'request_id_reused' });
		// The same bytes again are an ordinary retry.
		expect(deliver(memory, 'req-bound', batch)).toMatchObject({ action: 'acknowledge', reason: 'duplicate' });
		// The binding survives a restart.
		expect(deliver(new SeenMemory(saveAndLoad(memory)), 'req-bound', [newPanelEvent({}, 98)])).toMatchObject({ status: 409 });
	});

	it('marks an event of a new request id as a retry when the event was seen before', () => {
		const memory = new SeenMemory({});
		deliver(memory, 'req-x', batch);
		const again = deliver(memory, 'req-y', [...batch, newPanelEvent({}, 3)]);
		expect(again.action).toBe('run');
		expect((again as { items: IDataObject[] }).items.map((item) => item.isRetry)).toEqual([true]);
	});
});
