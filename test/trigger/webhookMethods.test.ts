/** webhookMethods through n8n-core's HookContext, as n8n runs them on activation and deactivation. */
import type { IDataObject } from 'n8n-workflow';

import { allCredential } from './fixtures';
import { WebhookHarness } from './webhookHarness';

let harness: WebhookHarness;

afterEach(async () => {
	await harness.close();
});

const registration = () => (harness.staticData['node:EmailLabs Trigger'] as IDataObject | undefined)?.webhookRegistration as IDataObject | undefined;

describe('webhookMethods (EmailLabs has no webhook API)', () => {
	it('checkExists is false before create, true after, false after delete', async () => {
		harness = await WebhookHarness.start({ credential: allCredential });
		expect(await harness.runWebhookMethod('checkExists')).toBe(false);
		expect(await harness.runWebhookMethod('create')).toBe(true);
		expect(await harness.runWebhookMethod('checkExists')).toBe(true);
		expect(await harness.runWebhookMethod('delete')).toBe(true);
		expect(await harness.runWebhookMethod('checkExists')).toBe(false);
		expect(registration()).toBeUndefined();
	});

	it('create records the production URL and the time, and logs where to paste it', async () => {
		harness = await WebhookHarness.start({ credential: allCredential });
		const before = Date.now();
		await harness.runWebhookMethod('create');
		const recorded = registration()!;
		expect(recorded.url).toBe(harness.productionUrl);
		expect(Date.parse(recorded.registeredAt as string)).toBeGreaterThanOrEqual(before - 1000);
		expect(recorded.isTest).toBe(false);
		const info = harness.logs.find((entry) => entry.level === 'info')!;
		expect(info.message).toContain(harness.productionUrl);
		expect(info.message).toContain('Account → Settings → Webhooks');
		expect(info.message).toContain('Event API');
		expect(harness.logs.some((entry) => entry.level === 'warn')).toBe(false);
	});

	it('checkExists is false when the recorded URL is not the current one', async () => {
		harness = await WebhookHarness.start({
			credential: allCredential,
			staticData: { 'node:EmailLabs Trigger': { webhookRegistration: { url: 'https://old.example/webhook/x/webhook' } } },
		});
		expect(await harness.runWebhookMethod('checkExists')).toBe(false);
	});

	it('records the test URL when n8n listens for a test event, and says it is not for EmailLabs', async () => {
		harness = await WebhookHarness.start({ credential: allCredential });
		await harness.runWebhookMethod('create', 'manual');
		expect(registration()).toMatchObject({ url: harness.testUrl, isTest: true });
		expect(harness.logs.find((entry) => entry.level === 'info')!.message).toContain('test URL');
	});

	it('warns at activation when no credential is selected', async () => {
		harness = await WebhookHarness.start({ credential: null });
		await harness.runWebhookMethod('create');
		expect(harness.logs.some((entry) => entry.level === 'warn' && entry.message.includes('not verified'))).toBe(true);
	});

	it('refuses to activate with an invalid IP allow-list', async () => {
		harness = await WebhookHarness.start({ credential: allCredential, parameters: { options: { ipAllowList: '10.0.0.0/8, 10.0.0.300' } } });
		await expect(harness.runWebhookMethod('create')).rejects.toThrow('IP Allow-List has invalid entries: 10.0.0.300');
		expect(registration()).toBeUndefined();
	});

	it('delete reminds the user to remove the URL from EmailLabs', async () => {
		harness = await WebhookHarness.start({ credential: allCredential });
		await harness.runWebhookMethod('create');
		await harness.runWebhookMethod('delete');
		expect(harness.logs.at(-1)!.message).toContain('remove it in the EmailLabs panel');
	});
});
