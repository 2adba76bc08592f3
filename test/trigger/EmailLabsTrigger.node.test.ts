/**
 * The trigger's webhook() driven through n8n-core's real WebhookContext and a real HTTP exchange
 * (see webhookHarness.ts).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	allCredential,
	basicAuthHeader,
	legacyBody,
	legacyHeaders,
	LEGACY_SECRET,
	newPanelEvent,
	newPanelHeaders,
	PANEL_NAME,
	SECRET,
	STATUS_TIME,
	webhookDate,
} from './fixtures';
import { fingerprint } from '../../nodes/EmailLabsTrigger/pipeline/fingerprint';
import { storedKeys } from './storedKeys';
import { uniqueRequestId, WebhookHarness, type HarnessOptions } from './webhookHarness';

const harnesses: WebhookHarness[] = [];

async function start(options: HarnessOptions = {}): Promise<WebhookHarness> {
	const harness = await WebhookHarness.start({ credential: allCredential, ...options });
	harnesses.push(harness);
	return harness;
}

afterEach(async () => {
	for (const harness of harnesses.splice(0)) {
		// No request may ever end as an n8n error execution.
		expect(harness.failedExecutions).toEqual([]);
		await harness.close();
	}
});

const batch = (count: number, overrides: (i: number) => Record<string, unknown> = () => ({})) =>
	Array.from({ length: count }, (_, i) => newPanelEvent(overrides(i), i));

/** A signed new-panel POST. */
function signedPost(harness: WebhookHarness, events: unknown, requestId = uniqueRequestId(), extraHeaders: Record<string, string> = {}) {
	return harness.post({ body: JSON.stringify(events), headers: { ...newPanelHeaders(requestId), ...extraHeaders } });
}

const json = (item: { json: IDataObject }) => item.json;

describe('valid requests', () => {
	it('runs a signed new-panel batch, one normalised item per event, and answers 200 with an empty body', async () => {
		const harness = await start();
		const requestId = uniqueRequestId();
		const reply = await signedPost(harness, batch(3, (i) => ({ status: ['ok', 'open', 'track'][i] })), requestId);

		expect(reply.status).toBe(200);
		expect(reply.text).toBe('');
		expect(reply.execution).toHaveLength(3);
		expect(reply.execution!.map(json).map((item) => item.event)).toEqual(['delivered', 'opened', 'clicked']);
		expect(json(reply.execution![0])).toMatchObject({
			status: 'ok',
			email: 'customer0@example.com',
			recipientName: 'Customer 0',
			messageId: 'msg-0@acme.example',
			smtpAccount: '1.acme.smtp',
			subject: 'Order 0',
			from: 'no-reply@acme.example',
			tags: ['transactional'],
			occurredAt: '2026-09-25T09:00:00.000Z',
			timestamp: STATUS_TIME,
			description: '550 5.1.1 user unknown',
			bounceType: null,
			requestId,
			isRetry: false,
		});
		expect(json(reply.execution![0]).raw).toEqual(newPanelEvent({ status: 'ok' }, 0));
	});

	it('runs the events of a batch that also holds non-object elements', async () => {
		const harness = await start();
		const reply = await signedPost(harness, [newPanelEvent(), 'noise', 3, null]);
		expect(reply.execution).toHaveLength(1);
		expect(harness.logs.at(-1)!.message).toContain('objects=4, not events=3');
	});

	it('accepts a single event object and the {events: [...]} wrapper', async () => {
		const harness = await start();
		expect((await signedPost(harness, newPanelEvent())).execution).toHaveLength(1);
		expect((await signedPost(harness, { events: batch(2, (i) => ({ statusTime: STATUS_TIME + 100 + i })) })).execution).toHaveLength(2);
	});

	it('runs a legacy Event API batch (form field p, X-EMAILLABS-ID) with snake_case fields', async () => {
		const harness = await start();
		const events = [
			{ event: 'hardbounce', message_id: '<l-1@acme>', to: 'legacy@example.com', account: '1.acme.smtp', created_at: '2026-09-25 09:00:00', reason: 'unknown user' },
			{ status: 'open', msgid: 'l-2@acme', email: 'other@example.com', timestamp: STATUS_TIME, ip: '198.51.100.4', ua: 'Mail' },
		];
		const headers = legacyHeaders();
		const reply = await harness.post({ body: legacyBody(events), headers, contentType: 'application/x-www-form-urlencoded' });

		expect(reply.status).toBe(200);
		expect(reply.execution!.map(json)).toEqual([
			expect.objectContaining({ event: 'hardBounce', messageId: 'l-1@acme', email: 'legacy@example.com', smtpAccount: '1.acme.smtp', timestamp: STATUS_TIME, description: 'unknown user', bounceType: 'hard', requestId: headers['x-emaillabs-id'], isRetry: false }),
			expect.objectContaining({ event: 'opened', messageId: 'l-2@acme', email: 'other@example.com', ip: '198.51.100.4', userAgent: 'Mail' }),
		]);
	});

	it('marks a legacy REPEAT_EVENTS batch as a retry', async () => {
		const harness = await start({ parameters: { options: { deduplicate: false } } });
		const reply = await harness.post({
			body: legacyBody([{ status: 'ok', message_id: 'r@x', created_at: STATUS_TIME }]),
			headers: legacyHeaders({ batchType: 'REPEAT_EVENTS' }),
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(json(reply.execution![0]).isRetry).toBe(true);
	});

	it('re-parses the raw body when n8n passed JSON as text/plain', async () => {
		const harness = await start();
		const reply = await harness.post({ body: JSON.stringify(batch(2)), headers: newPanelHeaders(uniqueRequestId()), contentType: 'text/plain' });
		expect(reply.execution).toHaveLength(2);
	});

	it('uses the body n8n parsed when the raw body is missing', async () => {
		const harness = await start({ dropRawBody: true });
		const reply = await signedPost(harness, batch(2));
		expect(reply.execution).toHaveLength(2);
	});

	it.each([
		['no content type', null],
		['an unknown content type', 'application/octet-stream'],
	])('reads a body n8n left unread (typeVersion 1.1, %s)', async (_label, contentType) => {
		const harness = await start({ typeVersion: 1.1 });
		// A Buffer body: with a string, fetch itself would add text/plain.
		const reply = await harness.post({ body: Buffer.from(JSON.stringify(batch(3))), headers: newPanelHeaders(uniqueRequestId()), contentType });
		expect(reply.status).toBe(200);
		expect(reply.execution).toHaveLength(3);
	});

	it('runs the same batch on typeVersion 1, where n8n reads every body', async () => {
		const harness = await start({ typeVersion: 1 });
		const reply = await harness.post({ body: JSON.stringify(batch(3)), headers: newPanelHeaders(uniqueRequestId()), contentType: 'application/octet-stream' });
		expect(reply.execution).toHaveLength(3);
	});

	it('runs a batch of 10,000 events in one request', async () => {
		const harness = await start();
		const events = batch(10_000, (i) => ({ status: ['ok', 'hardbounce', 'open', 'track'][i % 4] }));
		const started = Date.now();
		const reply = await signedPost(harness, events);
		expect(reply.status).toBe(200);
		expect(reply.execution).toHaveLength(10_000);
		expect(json(reply.execution![9_999])).toMatchObject({ messageId: 'msg-9999@acme.example', event: 'clicked' });
		expect(Date.now() - started).toBeLessThan(10_000);
	});
});

describe('rejected requests start no execution', () => {
	it('answers 401 for a wrong checksum', async () => {
		const harness = await start();
		const headers = newPanelHeaders(uniqueRequestId(), { secret: 'not-the-secret' });
		const reply = await harness.post({ body: JSON.stringify(batch(1)), headers });
		expect(reply.status).toBe(401);
		expect(reply.json).toEqual({ code: 'invalid_checksum', message: 'The checksum does not match.' });
		expect(harness.executions).toHaveLength(0);
	});

	it('answers 401 when the checksum belongs to another request id', async () => {
		const harness = await start();
		const headers = { ...newPanelHeaders('req-a'), 'request-id': 'req-b' };
		expect((await harness.post({ body: JSON.stringify(batch(1)), headers })).status).toBe(401);
	});

	it('answers 401 for a wrong legacy checksum (other panel name)', async () => {
		const harness = await start();
		const reply = await harness.post({
			body: legacyBody([{ status: 'ok', message_id: 'x' }]),
			headers: legacyHeaders({ panelName: 'someone-else' }),
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(reply.status).toBe(401);
		expect(harness.executions).toHaveLength(0);
	});

	it('answers 401 naming the missing signature headers', async () => {
		const harness = await start();
		for (const missing of ['x-webhook-checksum', 'x-webhook-date', 'request-id']) {
			const headers = newPanelHeaders(uniqueRequestId());
			delete headers[missing];
			const reply = await harness.post({ body: JSON.stringify(batch(1)), headers });
			expect(reply.status).toBe(401);
			expect(reply.json).toMatchObject({ code: 'missing_signature_headers' });
			expect((reply.json as { message: string }).message).toContain(missing);
		}
		const legacy = legacyHeaders();
		delete legacy['x-emaillabs-mt'];
		const reply = await harness.post({ body: legacyBody([{ status: 'ok', message_id: 'x' }]), headers: legacy, contentType: 'application/x-www-form-urlencoded' });
		expect(reply.json).toMatchObject({ code: 'missing_signature_headers', message: expect.stringContaining('x-emaillabs-mt') });
		expect(harness.executions).toHaveLength(0);
	});

	it('treats a request with a proxy-added Request-Id but no checksum as unsigned', async () => {
		const harness = await start();
		expect((await harness.post({ body: '[]', headers: { 'request-id': 'from-proxy' } })).status).toBe(200);
		expect((await harness.post({ body: JSON.stringify(batch(1)), headers: { 'request-id': 'from-proxy' } })).status).toBe(401);
	});

	it('answers 401 for unsigned events when a secret is configured', async () => {
		const harness = await start();
		const reply = await harness.post({ body: JSON.stringify(batch(2)) });
		expect(reply.status).toBe(401);
		expect(reply.json).toMatchObject({ code: 'missing_signature_headers' });
		expect(harness.executions).toHaveLength(0);
	});

	it('answers 401 for a legacy request when only the new-panel secret is configured', async () => {
		const harness = await start({ credential: { secretKey: SECRET } });
		const reply = await harness.post({ body: legacyBody([{ status: 'ok', message_id: 'x' }]), headers: legacyHeaders(), contentType: 'application/x-www-form-urlencoded' });
		expect(reply.status).toBe(401);
		expect(reply.json).toMatchObject({ code: 'scheme_not_configured' });
	});

	it('answers 401 for wrong Basic auth and runs with the right one', async () => {
		const harness = await start({ credential: { ...allCredential, basicAuthUser: 'emaillabs', basicAuthPassword: 'hook-pass' } });
		const events = JSON.stringify(batch(1));
		const wrong = await harness.post({ body: events, headers: { ...newPanelHeaders(uniqueRequestId()), authorization: basicAuthHeader('emaillabs', 'nope') } });
		const missing = await harness.post({ body: events, headers: newPanelHeaders(uniqueRequestId()) });
		expect([wrong.status, missing.status]).toEqual([401, 401]);
		expect(wrong.json).toMatchObject({ code: 'basic_auth_failed' });
		expect(harness.executions).toHaveLength(0);

		const right = await harness.post({ body: events, headers: { ...newPanelHeaders(uniqueRequestId()), authorization: basicAuthHeader('emaillabs', 'hook-pass') } });
		expect(right.status).toBe(200);
		expect(right.execution).toHaveLength(1);
	});

	it('answers 403 for an IP outside the allow-list and runs for an allowed one', async () => {
		const harness = await start({ parameters: { options: { ipAllowList: '10.0.0.0/8, 2001:db8::/32' } } });
		const denied = await signedPost(harness, batch(1));
		expect(denied.status).toBe(403);
		expect(denied.json).toMatchObject({ code: 'ip_not_allowed' });
		expect(harness.executions).toHaveLength(0);

		harness.configure({ parameters: { options: { ipAllowList: '10.0.0.0/8, 127.0.0.0/8' } } });
		expect((await signedPost(harness, batch(1))).status).toBe(200);
	});

	it('ignores X-Forwarded-For unless n8n is behind a proxy, then trusts only the right-most hop', async () => {
		const harness = await start({ parameters: { options: { ipAllowList: '203.0.113.0/24' } } });
		expect((await signedPost(harness, batch(1), uniqueRequestId(), { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);

		harness.configure({ parameters: { options: { ipAllowList: '203.0.113.0/24', behindProxy: true } } });
		const viaProxy = await signedPost(harness, batch(1), uniqueRequestId(), { 'x-forwarded-for': '203.0.113.9' });
		expect(viaProxy.status).toBe(200);
		const forged = await signedPost(harness, batch(1, () => ({ statusTime: STATUS_TIME + 50 })), uniqueRequestId(), { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' });
		expect(forged.status).toBe(403);

		harness.configure({ parameters: { options: { ipAllowList: '2001:db8::/32', behindProxy: true } } });
		const v6 = await signedPost(harness, batch(1, () => ({ statusTime: STATUS_TIME + 60 })), uniqueRequestId(), { 'x-forwarded-for': '2001:db8::42' });
		expect(v6.status).toBe(200);
	});

	it('answers 401 for a stale or unparseable signed date, and accepts it with the window off', async () => {
		const harness = await start();
		const staleDate = webhookDate(Date.now() - 27 * 3600 * 1000);
		const stale = await harness.post({ body: JSON.stringify(batch(1)), headers: newPanelHeaders(uniqueRequestId(), { date: staleDate }) });
		expect(stale.status).toBe(401);
		expect(stale.json).toMatchObject({ code: 'stale_date' });

		const garbled = await harness.post({ body: JSON.stringify(batch(1)), headers: newPanelHeaders(uniqueRequestId(), { date: 'someday' }) });
		expect(garbled.json).toMatchObject({ code: 'unparseable_date' });

		const legacyStale = await harness.post({
			body: legacyBody([{ status: 'ok', message_id: 'x', created_at: STATUS_TIME }]),
			headers: legacyHeaders({ ts: String(Math.floor(Date.now() / 1000) - 30 * 3600) }),
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(legacyStale.json).toMatchObject({ code: 'stale_date' });
		expect(harness.executions).toHaveLength(0);

		harness.configure({ parameters: { options: { replayWindowHours: 0 } } });
		const windowOff = await harness.post({ body: JSON.stringify(batch(1)), headers: newPanelHeaders(uniqueRequestId(), { date: staleDate }) });
		expect(windowOff.status).toBe(200);
		expect(windowOff.execution).toHaveLength(1);
	});

	it('answers 400 for malformed JSON that reaches the node, and n8n itself answers 422 for application/json', async () => {
		const harness = await start();
		const text = await harness.post({ body: '[{"status": "ok",', headers: newPanelHeaders(uniqueRequestId()), contentType: 'text/plain' });
		expect(text.status).toBe(400);
		expect(text.json).toMatchObject({ code: 'invalid_json' });
		const viaN8nParser = await harness.post({ body: '[{"status": "ok",', headers: newPanelHeaders(uniqueRequestId()) });
		expect(viaN8nParser.status).toBe(422);
		expect(harness.executions).toHaveLength(0);
	});

	it('answers 400 for a JSON body that is not events', async () => {
		const harness = await start();
		const reply = await harness.post({ body: '"hello"', headers: newPanelHeaders(uniqueRequestId()) });
		expect(reply.status).toBe(400);
		expect(reply.json).toMatchObject({ code: 'not_events' });
	});

	it('answers 400 for bad base64 in a legacy form body', async () => {
		const harness = await start();
		const reply = await harness.post({ body: 'p=%%%not*base64!', headers: legacyHeaders(), contentType: 'application/x-www-form-urlencoded' });
		expect(reply.status).toBe(400);
		expect(reply.json).toMatchObject({ code: 'invalid_base64' });
		expect(harness.executions).toHaveLength(0);
	});

	it('answers 500 without running when the IP allow-list is invalid', async () => {
		const harness = await start({ parameters: { options: { ipAllowList: '10.0.0.0/8, not-an-ip' } } });
		const reply = await signedPost(harness, batch(1));
		expect(reply.status).toBe(500);
		expect(reply.json).toMatchObject({ code: 'configuration_error' });
		expect(harness.logs.some((entry) => entry.level === 'warn' && entry.message.includes('not-an-ip'))).toBe(true);
	});

	it('answers 500 instead of throwing when the credential cannot be read', async () => {
		const harness = await start({ credential: 'unavailable' });
		const reply = await signedPost(harness, batch(1));
		expect(reply.status).toBe(500);
		expect(reply.json).toEqual({ code: 'internal_error', message: 'The request could not be processed.' });
		expect(harness.logs.some((entry) => entry.level === 'error')).toBe(true);
		expect(harness.executions).toHaveLength(0);
	});
});

describe('test calls', () => {
	it('answers an empty array with 200 and starts nothing', async () => {
		const harness = await start();
		const reply = await signedPost(harness, []);
		expect(reply.status).toBe(200);
		expect(reply.json).toEqual({ received: true, reason: 'test_call' });
		expect(harness.executions).toHaveLength(0);
	});

	it('answers unsigned empty and event-less bodies with 200 even with a secret configured', async () => {
		const harness = await start();
		for (const body of ['', '[]', '{}', '{"message":"test"}']) {
			const reply = await harness.post({ body });
			expect(reply.status).toBe(200);
		}
		const legacy = await harness.post({ body: '', contentType: 'application/x-www-form-urlencoded' });
		expect(legacy.status).toBe(200);
		expect(harness.executions).toHaveLength(0);
	});

	it('still rejects a signed test call with a wrong checksum, so a wrong secret shows in the panel Test', async () => {
		const harness = await start();
		const reply = await harness.post({ body: '[]', headers: newPanelHeaders(uniqueRequestId(), { secret: 'wrong' }) });
		expect(reply.status).toBe(401);
	});

	it('runs a signed test call with Run on Test Calls, but never an unsigned one', async () => {
		const harness = await start({ parameters: { options: { runOnTestCalls: true } } });
		const requestId = uniqueRequestId();
		const signed = await signedPost(harness, [], requestId);
		expect(signed.execution!.map(json)).toEqual([expect.objectContaining({ event: 'testCall', format: 'newPanel', requestId })]);

		const unsigned = await harness.post({ body: '[]' });
		expect(unsigned.status).toBe(200);
		expect(harness.executions).toHaveLength(1);
	});
});

describe('event selection and output', () => {
	const mixed = () => [
		newPanelEvent({ status: 'ok' }, 0),
		newPanelEvent({ status: 'injected' }, 1),
		newPanelEvent({ status: 'mystery' }, 2),
		newPanelEvent({ status: 'hardbounce' }, 3),
		{ note: 'not an event' },
	];

	it('drops injected and unknown events by default', async () => {
		const harness = await start();
		const reply = await signedPost(harness, mixed());
		expect(reply.execution!.map(json).map((item) => item.event)).toEqual(['delivered', 'hardBounce']);
	});

	it('runs unknown statuses as "other" with Include Unknown Events', async () => {
		const harness = await start({ parameters: { options: { includeUnknownEvents: true } } });
		const reply = await signedPost(harness, mixed());
		expect(reply.execution!.map(json).map((item) => [item.event, item.status])).toEqual([
			['delivered', 'ok'],
			['other', 'mystery'],
			['hardBounce', 'hardbounce'],
		]);
	});

	it('keeps only the selected events and acknowledges a batch with none', async () => {
		const parameters: INodeParameters = { events: ['hardBounce', 'injected'] };
		const harness = await start({ parameters });
		const reply = await signedPost(harness, mixed());
		expect(reply.execution!.map(json).map((item) => item.event)).toEqual(['injected', 'hardBounce']);

		const none = await signedPost(harness, [newPanelEvent({ status: 'open' }, 9)]);
		expect(none.json).toEqual({ received: true, reason: 'no_selected_events' });
		expect(harness.executions).toHaveLength(1);
	});

	it('emits each event exactly as received in raw mode', async () => {
		const harness = await start({ parameters: { output: 'raw' } });
		const events = batch(2, (i) => ({ status: ['ok', 'open'][i], extra: { nested: [i] } }));
		const reply = await signedPost(harness, events);
		expect(reply.execution!.map(json)).toEqual(events);
	});
});

describe('without a credential', () => {
	it('runs unverified requests and says so in the log', async () => {
		const harness = await start({ credential: null });
		const reply = await harness.post({ body: JSON.stringify(batch(2)) });
		expect(reply.status).toBe(200);
		expect(reply.execution).toHaveLength(2);
		expect(harness.logs.some((entry) => entry.level === 'debug' && entry.message.includes('verified by=nothing'))).toBe(true);
	});

	it('ignores signature headers it cannot check', async () => {
		const harness = await start({ credential: null });
		const reply = await harness.post({ body: JSON.stringify(batch(1)), headers: newPanelHeaders(uniqueRequestId(), { secret: 'anything' }) });
		expect(reply.status).toBe(200);
	});
});

describe('de-duplication across requests (workflow static data)', () => {
	it('starts no second run for a retried Request-Id', async () => {
		const harness = await start();
		const requestId = uniqueRequestId();
		const events = JSON.stringify(batch(3));
		const first = await harness.post({ body: events, headers: newPanelHeaders(requestId) });
		expect(first.execution).toHaveLength(3);
		// webhook() leaves saving to the execution it starts (n8n would not save its changes anyway).
		expect(harness.lastStaticDataChanged).toBe(false);

		const retry = await harness.post({ body: events, headers: newPanelHeaders(requestId) });
		expect(retry.status).toBe(200);
		expect(retry.json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(1);
	});

	it('starts no second run for the same events under a new Request-Id (secondary URL, new delivery)', async () => {
		const harness = await start();
		await signedPost(harness, batch(2));
		const again = await signedPost(harness, batch(2));
		expect(again.json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(1);
	});

	it('runs only the new events of a partly seen batch and marks them as a retry', async () => {
		const harness = await start();
		await signedPost(harness, batch(2));
		const partly = await signedPost(harness, batch(4));
		expect(partly.execution!.map(json).map((item) => [item.messageId, item.isRetry])).toEqual([
			['msg-2@acme.example', true],
			['msg-3@acme.example', true],
		]);
	});

	it('persists the lists as JSON between requests (n8n saving and reloading static data)', async () => {
		const harness = await start({ persistStaticDataAsJson: true });
		const requestId = uniqueRequestId();
		await signedPost(harness, batch(2), requestId);
		const stored = harness.staticData['node:EmailLabs Trigger'] as IDataObject;
		// Request ids are kept as fingerprints, like event keys.
		expect(storedKeys(stored.recentRequestIds)).toEqual([fingerprint(requestId, '', 0, '')]);
		// Event keys belong to the workflow: every EmailLabs trigger in it shares them.
		expect(storedKeys((harness.staticData.global as IDataObject).emailLabsEventKeys)).toHaveLength(2);
		expect(stored.recentEventKeys).toBeUndefined();
		expect(JSON.stringify(harness.staticData)).not.toContain(SECRET);

		expect((await signedPost(harness, batch(2), requestId)).json).toEqual({ received: true, reason: 'duplicate' });
		expect(harness.executions).toHaveLength(1);
	});

	it('reuses one static data object across calls, as one n8n process does', async () => {
		const staticData: IDataObject = {};
		const harness = await start({ staticData });
		await signedPost(harness, batch(1));
		expect(harness.staticData).toBe(staticData);
		expect(Object.keys(staticData).sort()).toEqual(['global', 'node:EmailLabs Trigger']);
		expect((await signedPost(harness, batch(1))).json).toMatchObject({ reason: 'duplicate' });
	});

	it('runs retries again when de-duplication is off', async () => {
		const harness = await start({ parameters: { options: { deduplicate: false } } });
		const requestId = uniqueRequestId();
		await signedPost(harness, batch(1), requestId);
		await signedPost(harness, batch(1), requestId);
		expect(harness.executions).toHaveLength(2);
		expect(harness.staticData['node:EmailLabs Trigger']).toEqual({});
	});

	it('keeps at most 10,000 event keys and request ids', async () => {
		const harness = await start({ persistStaticDataAsJson: true });
		await signedPost(harness, batch(10_000));
		await signedPost(harness, batch(5, (i) => ({ statusTime: STATUS_TIME + 20_000 + i })));
		const stored = harness.staticData.global as { emailLabsEventKeys: { packed: string; next: number } };
		expect(storedKeys(stored.emailLabsEventKeys)).toHaveLength(10_000);
		expect(stored.emailLabsEventKeys.next).toBe(5);
		// The five oldest keys were evicted: their events run again; the sixth oldest is still known.
		const evicted = await signedPost(harness, [newPanelEvent({}, 5), ...batch(5)]);
		expect(evicted.execution!.map(json).map((item) => item.messageId)).toEqual(
			[0, 1, 2, 3, 4].map((i) => `msg-${i}@acme.example`),
		);
	});
});

describe('secrets stay out of responses and logs', () => {
	it('never echoes a secret', async () => {
		const harness = await start({ credential: { ...allCredential, basicAuthUser: 'hook-user', basicAuthPassword: 'hook-pass-secret' } });
		const replies = [
			await harness.post({ body: JSON.stringify(batch(1)), headers: newPanelHeaders(uniqueRequestId(), { secret: 'x' }) }),
			await harness.post({ body: JSON.stringify(batch(1)), headers: { ...newPanelHeaders(uniqueRequestId()), authorization: basicAuthHeader('hook-user', 'hook-pass-secret') } }),
			await harness.post({ body: 'p=!!', headers: legacyHeaders(), contentType: 'application/x-www-form-urlencoded' }),
		];
		expect(replies.map((reply) => reply.status)).toEqual([401, 200, 401]);
		const everything = JSON.stringify([harness.logs, replies.map((reply) => reply.text)]);
		for (const secret of [SECRET, LEGACY_SECRET, 'hook-pass-secret', PANEL_NAME]) expect(everything).not.toContain(secret);
	});
});
