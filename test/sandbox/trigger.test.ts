/** Sandbox webhooks are accepted and verified by the real EmailLabs Trigger (through the trigger harness). */
import { DEFAULT_LEGACY_KEYS, startSandbox, type Sandbox } from '../../sandbox/server';
import { WebhookHarness } from '../trigger/webhookHarness';
import { call, waitUntil } from './http';

const SECRET = 'sandbox-webhook-secret';
let sandbox: Sandbox | undefined;
let harness: WebhookHarness | undefined;
afterEach(async () => {
	await sandbox?.close();
	await harness?.close();
	sandbox = harness = undefined;
});

async function send(to: string, messageId: string) {
	const body = new URLSearchParams({ smtp_account: '1.sandbox.smtp', subject: 'Hi', from: 'shop@acme.pl', text: 'Hi', [`to[${to}][message_id]`]: messageId }).toString();
	const answer = await call(`${sandbox!.url}/api/new_sendmail`, { auth: [DEFAULT_LEGACY_KEYS.appKey, DEFAULT_LEGACY_KEYS.secretKey], body });
	expect(answer.status).toBe(200);
}

it.each(['json', 'legacy'] as const)('the trigger verifies and emits a %s hard bounce from the sandbox', async (format) => {
	harness = await WebhookHarness.start({
		parameters: { events: ['hardBounce', 'spamComplaint'], output: 'normalised', options: {} },
		credential: { secretKey: SECRET, legacyPanelName: 'sandbox', legacySecretKey: SECRET },
	});
	sandbox = await startSandbox({ deliveredDelayMs: 5, retryDelaysMs: [], webhooks: [{ url: harness.url, format, secretKey: SECRET, panelName: 'sandbox' }] });
	await send('ghost@bounce.test', `t-${format}@acme.pl`);
	await waitUntil(() => harness!.executions.length > 0 || sandbox!.webhooks.some((delivery) => delivery.state !== 'pending'));
	await sandbox.webhooksSettled();
	expect(sandbox.webhooks[0].attempts[0].statusCode).toBe(200);
	expect(harness.executions).toHaveLength(1);
	expect(harness.executions[0].map((item) => item.json)).toEqual([
		expect.objectContaining({ event: 'hardBounce', email: 'ghost@bounce.test', messageId: `t-${format}@acme.pl`, smtpAccount: '1.sandbox.smtp' }),
	]);
});

it('the trigger rejects sandbox webhooks signed with another secret', async () => {
	harness = await WebhookHarness.start({ parameters: { events: ['delivered'], options: {} }, credential: { secretKey: 'other-secret' } });
	sandbox = await startSandbox({ deliveredDelayMs: 5, retryDelaysMs: [], webhooks: [{ url: harness.url, format: 'json', secretKey: SECRET }] });
	await send('jan@example.com', 'bad@acme.pl');
	await waitUntil(() => sandbox!.webhooks.length > 0);
	await sandbox.webhooksSettled();
	expect(sandbox.webhooks[0].state).toBe('failed');
	expect(sandbox.webhooks[0].attempts[0].statusCode).toBeGreaterThanOrEqual(400);
	expect(harness.executions).toHaveLength(0);
});
