/** Retention: messages, events, opens, clicks and finished webhook deliveries are forgotten after it, from every API. */
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { waitUntil } from './http';
import { startReceiver, type Receiver } from './receiver';
import { nowSeconds, sandboxClient } from './sandboxClient';

let sandbox: Sandbox;
let receiver: Receiver | undefined;
afterEach(async () => {
	await sandbox.close();
	await receiver?.close();
	receiver = undefined;
});

/** What every API shows of one message: its rows and records, true when present. */
async function visibility(client: ReturnType<typeof sandboxClient>, messageId: string, since: number) {
	const has = (answer: { status: number; body: any }) => answer.status === 200 && answer.body.data.some((row: any) => (row.msgid ?? row.to?.messageId) === messageId);
	const byMessage = `filter=${encodeURIComponent(`msgid::${messageId}`)}`;
	const [emails, delivered, opens, clicks, v2, message, events] = await Promise.all([
		client.legacy(`emails?${byMessage}`),
		client.legacy(`smtp_events/ok?from_time=${since}&${byMessage}`),
		client.legacy(`opens?${byMessage}`),
		client.legacy(`clicks?${byMessage}`),
		client.v2(`email?messageId=${encodeURIComponent(messageId)}`),
		client.control(`messages/${messageId}`),
		client.control('events'),
	]);
	return {
		emails: has(emails),
		smtpEvents: has(delivered),
		opens: has(opens),
		clicks: has(clicks),
		v2: has(v2),
		controlMessage: message.status === 200,
		controlEvents: events.body.some((event: any) => event.messageId === messageId),
	};
}
const everywhere = (present: boolean) => ({ emails: present, smtpEvents: present, opens: present, clicks: present, v2: present, controlMessage: present, controlEvents: present });

it('forgets what is older than the retention, from every API, and can be changed at runtime', async () => {
	sandbox = await startSandbox({ deliveredDelayMs: 60_000, retentionSeconds: 600 });
	const client = sandboxClient(sandbox);
	const now = nowSeconds();
	// Each bulk message has one event: ok for the first kind, an open or a click for the others.
	const old = ['ok', 'open', 'click'].map((status) => sandbox.addBulkEvents({ count: 3, status, fromUnix: now - 1000, toUnix: now - 900 }));
	const recent = ['ok', 'open', 'click'].map((status) => sandbox.addBulkEvents({ count: 3, status, fromUnix: now - 120, toUnix: now - 100 }));
	const seen = async (batches: typeof old) => {
		const [ok, open, click] = await Promise.all(batches.map((batch) => visibility(client, batch.firstMessageId, now - 2000)));
		return [ok.smtpEvents, open.opens, click.clicks, ok.emails, ok.v2, ok.controlMessage, ok.controlEvents];
	};

	expect(await seen(old)).toEqual(Array(7).fill(false));
	expect(await seen(recent)).toEqual(Array(7).fill(true));
	expect(sandbox.messages).toHaveLength(9);
	expect(sandbox.events).toHaveLength(9);

	expect((await client.control('retention')).body).toEqual({ seconds: 600 });
	expect((await client.control('retention', { method: 'PUT', body: { seconds: 60 } })).body).toEqual({ seconds: 60 });
	expect(await seen(recent)).toEqual(Array(7).fill(false));
	expect((await client.legacy(`emails`)).status).toBe(404);
	expect((await client.legacy(`agregate?date_from=${now - 2000}&date_to=${now}`)).body.data).toMatchObject({ injected: 0, ok: 0, open: 0 });

	expect((await client.control('retention', { method: 'PUT', body: { seconds: null } })).body).toEqual({ seconds: null });
	sandbox.addBulkEvents({ count: 2, status: 'ok', fromUnix: now - 10 * 86400, toUnix: now - 10 * 86400 });
	expect((await client.legacy(`smtp_events/ok?from_time=0`)).body.number_of_elements).toBe(2);
	expect((await client.control('info')).body.retentionSeconds).toBeNull();
	for (const seconds of [-1, 1.5, 'soon']) expect((await client.control('retention', { method: 'PUT', body: { seconds } })).status).toBe(400);
	expect((await client.control('retention', { method: 'PUT', body: {} })).status).toBe(400);
	sandbox.setRetention(5);
	expect(sandbox.retentionSeconds).toBe(5);
	expect(sandbox.events).toHaveLength(0);
});

it('a short retention (2 s) forgets a sent message, its events, opens, clicks and webhook deliveries', async () => {
	receiver = await startReceiver();
	sandbox = await startSandbox({ deliveredDelayMs: 5, retryDelaysMs: [], retentionSeconds: 2, webhooks: [{ url: receiver.url, format: 'json', secretKey: 's' }] });
	const client = sandboxClient(sandbox);
	const since = nowSeconds() - 5;
	await client.send('jan@example.com', 'ttl-1@acme.pl');
	await receiver.waitFor(1);
	await client.control('messages/ttl-1@acme.pl/open', { method: 'POST' });
	await client.control('messages/ttl-1@acme.pl/click', { body: { url: 'https://acme.pl/' } });
	await receiver.waitFor(3);
	await sandbox.webhooksSettled();
	expect(await visibility(client, 'ttl-1@acme.pl', since)).toEqual(everywhere(true));
	expect((await client.control('webhooks')).body.deliveries).toHaveLength(3);

	// Items live between 2 and 3 s (whole seconds); the open and click may be a second younger.
	await waitUntil(() => sandbox.messages.length === 0 && sandbox.events.length === 0, 6000);
	expect(await visibility(client, 'ttl-1@acme.pl', since)).toEqual(everywhere(false));
	expect((await client.control('webhooks')).body.deliveries).toEqual([]);
	expect((await client.control('messages')).body).toEqual([]);
	// The message is gone, so no more events for it.
	expect((await client.control('messages/ttl-1@acme.pl/open', { method: 'POST' })).status).toBe(404);
});
