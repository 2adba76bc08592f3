/** Opens and clicks on demand per message (`POST /_sandbox/messages/{id}/open|click`), as the example flows use them. */
import { createHash } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import { startReceiver, type Receiver } from './receiver';
import { sandboxClient } from './sandboxClient';

const SECRET = 'on-demand-secret';
let sandbox: Sandbox;
let receiver: Receiver;
let client: ReturnType<typeof sandboxClient>;
beforeEach(async () => {
	receiver = await startReceiver();
	sandbox = await startSandbox({ deliveredDelayMs: 5, retryDelaysMs: [], webhooks: [{ url: receiver.url, format: 'json', secretKey: SECRET }] });
	client = sandboxClient(sandbox);
	await client.send('jan@example.com', 'od-1@acme.pl');
	await receiver.waitFor(1);
});
afterEach(async () => {
	await sandbox.close();
	await receiver.close();
});

const validChecksum = (headers: Record<string, unknown>) =>
	headers['x-webhook-checksum'] === createHash('sha1').update(`${SECRET}|${headers['x-webhook-date']}|${headers['request-id']}`).digest('hex');

it('an open sends a signed webhook and shows up in the opens list', async () => {
	const answer = await client.control('messages/od-1@acme.pl/open', { body: { ip: '10.0.0.7', userAgent: 'Mail/1.0' } });
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({ event: { messageId: 'od-1@acme.pl', status: 'open', ip: '10.0.0.7', userAgent: 'Mail/1.0' }, deliveries: [expect.any(Number)] });
	const [, request] = await receiver.waitFor(2);
	expect(validChecksum(request.headers)).toBe(true);
	const [event] = JSON.parse(request.body);
	expect(event).toMatchObject({ status: 'open', to: { messageId: 'od-1@acme.pl' }, ip: '10.0.0.7', userAgent: 'Mail/1.0', statusTime: answer.body.event.statusTime });
	const opens = await client.legacy('opens');
	expect(opens.body.data).toEqual([expect.objectContaining({ msgid: 'od-1@acme.pl', ip: '10.0.0.7', user_agent: 'Mail/1.0', status_time: event.statusTime })]);
	// An open does not change the delivery status.
	expect((await client.control('messages/od-1@acme.pl')).body.status).toBe('ok');
});

it('a click needs a URL, sends it in the webhook and the clicks list', async () => {
	expect((await client.control('messages/od-1@acme.pl/click', { method: 'POST' })).status).toBe(400);
	expect((await client.control('messages/od-1@acme.pl/click', { body: { url: 'javascript:alert(1)' } })).status).toBe(400);
	const answer = await client.control('messages/<od-1@acme.pl>/click', { body: { url: 'https://acme.pl/order/7' } });
	expect(answer.status).toBe(200);
	const [, request] = await receiver.waitFor(2);
	expect(validChecksum(request.headers)).toBe(true);
	expect(JSON.parse(request.body)[0]).toMatchObject({ status: 'track', url: 'https://acme.pl/order/7', to: { messageId: 'od-1@acme.pl' } });
	expect((await client.legacy('clicks')).body.data).toEqual([expect.objectContaining({ msgid: 'od-1@acme.pl', link: 'https://acme.pl/order/7' })]);
	expect(receiver.requests).toHaveLength(2);
});

it('answers 404 for an unknown message', async () => {
	expect((await client.control('messages/nope@acme.pl/open', { method: 'POST' })).status).toBe(404);
	expect((await client.control('messages/nope@acme.pl/click', { body: { url: 'https://acme.pl/' } })).status).toBe(404);
	expect(sandbox.events.map((event) => event.status)).toEqual(['ok']);
});
