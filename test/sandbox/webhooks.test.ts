/** Signed webhooks from the sandbox to a local receiver, in both EmailLabs formats. */
import { createHash } from 'node:crypto';

import { DEFAULT_LEGACY_KEYS, startSandbox, type Sandbox } from '../../sandbox/server';
import { call } from './http';
import { sandboxClient } from './sandboxClient';
import { startReceiver, type Receiver } from './receiver';

const SECRET = 'webhook-secret-for-tests';
const LEGACY_AUTH: [string, string] = [DEFAULT_LEGACY_KEYS.appKey, DEFAULT_LEGACY_KEYS.secretKey];

let sandbox: Sandbox;
let receiver: Receiver;
afterEach(async () => {
	await sandbox?.close();
	await receiver?.close();
});

async function setUp(format: 'json' | 'legacy', statuses: number[] = [], panelName?: string) {
	receiver = await startReceiver(statuses);
	sandbox = await startSandbox({
		deliveredDelayMs: 5,
		retryDelaysMs: [20, 40],
		webhooks: [{ url: receiver.url, format, secretKey: SECRET, ...(panelName ? { panelName } : {}), basicAuth: { user: 'hook', password: 'pw' } }],
	});
}

/** A legacy send with the tag `welcome` (the webhook carries the tags). */
const sendTo = async (email: string, messageId: string) => await sandboxClient(sandbox).send(email, messageId, { 'tags[0]': 'welcome' });

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

it('a bounce.test recipient gives a signed JSON hard bounce webhook and is blacklisted', async () => {
	await setUp('json');
	await sendTo('ghost@bounce.test', 'b-1@acme.pl');
	const [request] = await receiver.waitFor(1);
	const date = String(request.headers['x-webhook-date']);
	const requestId = String(request.headers['request-id']);
	expect(date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
	expect(request.headers['x-webhook-checksum']).toBe(sha1(`${SECRET}|${date}|${requestId}`));
	expect(request.headers['content-type']).toBe('application/json');
	expect(request.headers.authorization).toBe('Basic ' + Buffer.from('hook:pw').toString('base64'));
	const events = JSON.parse(request.body);
	expect(events).toEqual([
		{
			smtpAccount: '1.sandbox.smtp',
			to: { email: 'ghost@bounce.test', name: 'Receiver', messageId: 'b-1@acme.pl' },
			from: { email: 'shop@acme.pl', name: 'Acme' },
			subject: 'Hello',
			tags: ['welcome'],
			status: 'hardbounce',
			statusTime: expect.any(Number),
			statusDesc: expect.stringContaining('550'),
			allStatuses: [],
		},
	]);
	expect(sandbox.blacklist).toEqual([expect.objectContaining({ email: 'ghost@bounce.test', reason: 'hardbounce', source: 'smtp', account: '1.sandbox.smtp' })]);
	const events404 = await call(`${sandbox.url}/api/smtp_events/hardbounce?from_time=${Math.floor(Date.now() / 1000) - 60}`, { auth: LEGACY_AUTH });
	expect(events404.body.data[0]).toMatchObject({ msgid: 'b-1@acme.pl', to: 'ghost@bounce.test' });
});

it('the legacy Event API format carries p = base64 JSON with a valid MD5 X-EMAILLABS-ID', async () => {
	await setUp('legacy', [], 'acme-panel');
	await sendTo('jan@example.com', 'l-1@acme.pl');
	const [request] = await receiver.waitFor(1);
	const h = request.headers;
	expect(h['content-type']).toBe('application/x-www-form-urlencoded');
	expect(h['x-emaillabs-ev']).toBe('NEW_EVENTS');
	expect(String(h['x-emaillabs-mt'])).toMatch(new RegExp(`^${h['x-emaillabs-ts']}\\.\\d{6}$`));
	expect(h['x-emaillabs-id']).toBe(md5(`${h['x-emaillabs-ts']}|${h['x-emaillabs-mt']}|acme-panel|${SECRET}`));
	const p = new URLSearchParams(request.body).get('p')!;
	const events = JSON.parse(Buffer.from(p, 'base64').toString('utf8'));
	expect(events).toEqual([expect.objectContaining({ status: 'ok', to: expect.objectContaining({ messageId: 'l-1@acme.pl' }) })]);
});

it('retries a failed JSON delivery with the same Request-Id', async () => {
	await setUp('json', [500]);
	await sendTo('jan@example.com', 'r-1@acme.pl');
	const [first, second] = await receiver.waitFor(2);
	expect(second.headers['request-id']).toBe(first.headers['request-id']);
	expect(second.headers['x-webhook-checksum']).toBe(sha1(`${SECRET}|${second.headers['x-webhook-date']}|${second.headers['request-id']}`));
	await sandbox.webhooksSettled();
	const { deliveries } = (await call(`${sandbox.url}/_sandbox/webhooks`)).body;
	expect(deliveries[0]).toMatchObject({ state: 'delivered', attempts: [expect.objectContaining({ statusCode: 500 }), expect.objectContaining({ statusCode: 200 })] });
});

it('retries a failed legacy delivery as REPEAT_EVENTS and gives up after the last delay', async () => {
	await setUp('legacy', [503, 503, 503]);
	await sendTo('jan@example.com', 'r-2@acme.pl');
	const requests = await receiver.waitFor(3);
	expect(requests.map((request) => request.headers['x-emaillabs-ev'])).toEqual(['NEW_EVENTS', 'REPEAT_EVENTS', 'REPEAT_EVENTS']);
	await sandbox.webhooksSettled();
	expect(sandbox.webhooks[0].state).toBe('failed');
	expect(receiver.requests).toHaveLength(3);
});

it('the control API fires an open event on demand and a complaint address files feedback', async () => {
	await setUp('json');
	await sendTo('complaint@example.com', 'o-1@acme.pl');
	await receiver.waitFor(2);
	expect(receiver.requests.map((request) => JSON.parse(request.body)[0].status)).toEqual(['ok', 'feedback']);

	const fired = await call(`${sandbox.url}/_sandbox/events`, { body: { messageId: 'o-1@acme.pl', status: 'open' } });
	expect(fired.status).toBe(200);
	const [, , open] = await receiver.waitFor(3);
	const [event] = JSON.parse(open.body);
	expect(event).toMatchObject({ status: 'open', to: { messageId: 'o-1@acme.pl' }, ip: '127.0.0.1', userAgent: expect.any(String) });
	expect(open.headers['x-webhook-checksum']).toBe(sha1(`${SECRET}|${open.headers['x-webhook-date']}|${open.headers['request-id']}`));

	await call(`${sandbox.url}/_sandbox/events`, { body: { messageId: 'o-1@acme.pl', status: 'click', url: 'https://acme.pl/offer' } });
	await receiver.waitFor(4);
	expect(JSON.parse(receiver.requests[3].body)[0]).toMatchObject({ status: 'track', url: 'https://acme.pl/offer' });
	const opens = await call(`${sandbox.url}/api/opens`, { auth: LEGACY_AUTH });
	expect(opens.body.data).toEqual([expect.objectContaining({ msgid: 'o-1@acme.pl', ip: '127.0.0.1' })]);
	const message = (await call(`${sandbox.url}/_sandbox/messages/o-1@acme.pl`)).body;
	expect(message.statuses.map((entry: any) => entry.status)).toEqual(['injected', 'ok', 'feedback', 'open', 'track']);
	expect((await call(`${sandbox.url}/_sandbox/events`, { body: { messageId: 'nope@x', status: 'open' } })).status).toBe(400);
});

it('replaces webhook targets at runtime, records CRM calls and cancels timers on close', async () => {
	await setUp('json');
	const other = await startReceiver();
	try {
		await call(`${sandbox.url}/_sandbox/webhook-targets`, { body: [{ url: other.url, format: 'json', secretKey: 'x' }] });
		await sendTo('jan@example.com', 'c-1@acme.pl');
		await other.waitFor(1);
		expect(receiver.requests).toHaveLength(0);
		await call(`${sandbox.url}/_sandbox/crm/contacts/jan@example.com/unsubscribe`, { body: { reason: 'hardbounce' } });
		expect((await call(`${sandbox.url}/_sandbox/crm`)).body).toEqual([expect.objectContaining({ email: 'jan@example.com', body: { reason: 'hardbounce' } })]);
		// A delivered event still scheduled when close() runs is cancelled (jest also checks for open handles).
		const late = await startSandbox({ deliveredDelayMs: 100, webhooks: [{ url: other.url, format: 'json', secretKey: 'x' }] });
		const body = new URLSearchParams({ smtp_account: '1.sandbox.smtp', subject: 'Hi', from: 'shop@acme.pl', text: 'Hi', 'to[late@example.com]': '' }).toString();
		expect((await call(`${late.url}/api/new_sendmail`, { auth: LEGACY_AUTH, body })).status).toBe(200);
		await late.close();
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(other.requests).toHaveLength(1);
	} finally {
		await other.close();
	}
});

it('gives up a batch after the first attempt and one retry per delay, and the events stay readable', async () => {
	// Every request fails: ok, open and click each get 1 + retryDelaysMs.length = 3 attempts.
	await setUp('json', Array(9).fill(500));
	await sendTo('jan@example.com', 'g-1@acme.pl');
	await receiver.waitFor(1);
	await call(`${sandbox.url}/_sandbox/messages/g-1@acme.pl/open`, { method: 'POST' });
	await call(`${sandbox.url}/_sandbox/messages/g-1@acme.pl/click`, { body: { url: 'https://acme.pl/x' } });
	await receiver.waitFor(9);
	await sandbox.webhooksSettled();
	const { deliveries } = (await call(`${sandbox.url}/_sandbox/webhooks`)).body;
	expect(deliveries.map((delivery: any) => [delivery.events[0].status, delivery.state, delivery.attempts.map((attempt: any) => attempt.statusCode)])).toEqual([
		['track', 'failed', [500, 500, 500]],
		['open', 'failed', [500, 500, 500]],
		['ok', 'failed', [500, 500, 500]],
	]);
	expect(new Set(receiver.requests.map((request) => request.headers['request-id'])).size).toBe(3);
	await new Promise((resolve) => setTimeout(resolve, 60));
	expect(receiver.requests).toHaveLength(9);

	const since = Math.floor(Date.now() / 1000) - 60;
	const lists = await Promise.all([`smtp_events/ok?from_time=${since}`, 'opens', 'clicks'].map((path) => call(`${sandbox.url}/api/${path}`, { auth: LEGACY_AUTH })));
	expect(lists.map((answer) => [answer.body.data[0].msgid, answer.body.data[0].status])).toEqual([
		['g-1@acme.pl', 'ok'],
		['g-1@acme.pl', 'open'],
		['g-1@acme.pl', 'track'],
	]);
	expect(lists[2].body.data[0].link).toBe('https://acme.pl/x');
});
