/** The Slack-compatible chat-webhook stand-in under `/_sandbox/chat/{channel}`. */
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call } from './http';
import { sandboxClient } from './sandboxClient';

let sandbox: Sandbox;
let client: ReturnType<typeof sandboxClient>;
beforeAll(async () => {
	sandbox = await startSandbox();
	client = sandboxClient(sandbox);
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

it('accepts Slack webhook bodies, answers "ok" like Slack and lists them per channel', async () => {
	const posted = await client.control('chat/alerts', { body: { text: 'Hard bounce: jan@example.com', username: 'n8n' } });
	expect(posted.status).toBe(200);
	expect(posted.text).toBe('ok');
	expect(posted.headers['content-type']).toMatch(/^text\/plain/);
	const payload = encodeURIComponent(JSON.stringify({ text: 'form-encoded' }));
	expect((await call(`${sandbox.url}/_sandbox/chat/alerts`, { body: `payload=${payload}` })).text).toBe('ok');
	expect((await client.control('chat/reports', { body: { blocks: [{ type: 'section' }] } })).text).toBe('ok');

	const alerts = await client.control('chat/alerts');
	expect(alerts.body).toEqual([
		{ at: expect.any(String), channel: 'alerts', text: 'Hard bounce: jan@example.com', payload: { text: 'Hard bounce: jan@example.com', username: 'n8n' } },
		expect.objectContaining({ text: 'form-encoded' }),
	]);
	expect((await client.control('chat')).body).toEqual({ alerts: 2, reports: 1 });
	expect(sandbox.chat.reports).toHaveLength(1);
	expect((await client.control('chat/empty')).body).toEqual([]);
});

it('refuses what Slack refuses, clears channels, and forgets them on reset', async () => {
	const invalid = await call(`${sandbox.url}/_sandbox/chat/alerts`, { body: 'not json', headers: { 'Content-Type': 'application/json' } });
	expect([invalid.status, invalid.text]).toEqual([400, 'invalid_payload']);
	const noText = await client.control('chat/alerts', { body: { username: 'n8n' } });
	expect([noText.status, noText.text]).toEqual([400, 'no_text']);
	expect((await client.control('chat/bad%20name', { body: { text: 'x' } })).status).toBe(400);

	await client.control('chat/a', { body: { text: '1' } });
	await client.control('chat/a', { body: { text: '2' } });
	await client.control('chat/b', { body: { text: '3' } });
	expect((await client.control('chat/a', { method: 'DELETE' })).body).toEqual({ cleared: 2 });
	expect((await client.control('chat')).body).toEqual({ b: 1 });
	expect((await client.control('reset', { method: 'POST' })).status).toBe(200);
	expect((await client.control('chat')).body).toEqual({});
	expect((await client.control('chat/b', { method: 'PUT', body: {} })).status).toBe(405);
});
