import type { IDataObject } from 'n8n-workflow';

import { processWebhookRequest, recordSeenEvents } from '../../nodes/EmailLabsTrigger/helpers/processRequest';
import { secretsFromCredential } from '../../nodes/EmailLabsTrigger/helpers/credential';
import { readTriggerSettings } from '../../nodes/EmailLabsTrigger/helpers/settings';
import { allCredential, newPanelEvent, newPanelHeaders } from './fixtures';

/**
 * In n8n, what webhook() writes to static data is not saved; what the execution writes is. These
 * tests replay that: the static data webhook() saw is thrown away, and only recordSeenEvents()
 * (called by the trigger's execute() inside the execution) carries the events to the next request.
 */
function settingsFor(output: 'normalised' | 'raw') {
	const result = readTriggerSettings(['hardBounce', 'delivered'], output, {});
	if (!result.ok) throw new Error(result.message);
	return result.settings;
}

function deliver(staticData: IDataObject, requestId: string, events: unknown[], output: 'normalised' | 'raw' = 'normalised') {
	const rawBody = Buffer.from(JSON.stringify(events));
	return processWebhookRequest(
		{ headers: { 'content-type': 'application/json', ...newPanelHeaders(requestId) }, remoteAddress: '127.0.0.1', rawBody, parsedBody: JSON.parse(rawBody.toString()), contentType: 'application/json' },
		settingsFor(output),
		secretsFromCredential(allCredential),
		staticData,
		Date.now(),
	);
}

describe.each<'normalised' | 'raw'>(['normalised', 'raw'])('recordSeenEvents (%s output)', (output) => {
	const batch = [newPanelEvent({}, 1), newPanelEvent({ status: 'ok' }, 2)];

	it('lets the execution, not webhook(), make a retried batch a duplicate', async () => {
		const first = deliver({}, 'req-1', batch, output);
		expect(first.action).toBe('run');

		const persisted: IDataObject = {};
		// Without the execution's record, the retry runs again (webhook()'s own writes were lost).
		expect(deliver({}, 'req-1', batch, output).action).toBe('run');

		recordSeenEvents(persisted, (first as { items: IDataObject[] }).items, output);
		const retry = deliver(JSON.parse(JSON.stringify(persisted)), 'req-1', batch, output);
		expect(retry).toMatchObject({ action: 'acknowledge', reason: 'duplicate' });
	});

	it('keeps new events of a partly seen batch', async () => {
		const first = deliver({}, 'req-2', batch, output);
		const persisted: IDataObject = {};
		recordSeenEvents(persisted, (first as { items: IDataObject[] }).items, output);
		const mixed = deliver(JSON.parse(JSON.stringify(persisted)), 'req-3', [...batch, newPanelEvent({}, 3)], output);
		expect(mixed.action).toBe('run');
		expect((mixed as { items: IDataObject[] }).items).toHaveLength(1);
	});
});
