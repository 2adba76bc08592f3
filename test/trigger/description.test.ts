import { resolveWebhookDescriptionField, type ICredentialsDecrypted, type ICredentialTestFunctions, type INode, type INodeProperties } from 'n8n-workflow';

import { EmailLabsWebhookApi } from '../../credentials/EmailLabsWebhookApi.credentials';
import { EmailLabsTrigger } from '../../nodes/EmailLabsTrigger/EmailLabsTrigger.node';
import { EVENT_DEFINITIONS } from '../../nodes/EmailLabsTrigger/pipeline/events';
import { readTriggerSettings } from '../../nodes/EmailLabsTrigger/pipeline/settings';
import codex from '../../nodes/EmailLabsTrigger/EmailLabsTrigger.node.json';

const node = new EmailLabsTrigger();
const credential = new EmailLabsWebhookApi();
const property = (name: string) => node.description.properties.find((p) => p.name === name) as INodeProperties;

describe('node description', () => {
	it('is a trigger with one POST webhook answering 200 with an empty body', () => {
		expect(node.description).toMatchObject({ name: 'emailLabsTrigger', displayName: 'EmailLabs Trigger', group: ['trigger'], inputs: [] });
		expect(node.description.webhooks).toMatchObject([
			{ name: 'default', httpMethod: 'POST', responseMode: '={{$parameter["respond"] || "onReceived"}}', responseData: 'noData', path: 'webhook' },
		]);
		expect(node.description.credentials).toEqual([{ name: 'emailLabsWebhookApi', required: false, testedBy: 'emailLabsWebhookApiTest' }]);
	});

	it('answers after the run only when Respond asks for it, resolved without the expression engine', () => {
		const [webhook] = node.description.webhooks!;
		const resolve = (parameters: Record<string, unknown>) =>
			resolveWebhookDescriptionField({ parameters } as unknown as INode, webhook, 'responseMode');
		expect(resolve({})).toEqual({ resolved: true, value: 'onReceived' });
		expect(resolve({ respond: 'onReceived' })).toEqual({ resolved: true, value: 'onReceived' });
		expect(resolve({ respond: 'lastNode' })).toEqual({ resolved: true, value: 'lastNode' });
		expect(property('respond').default).toBe('onReceived');
	});

	it('offers typeVersion 1.1 by default and still loads workflows saved with 1', () => {
		expect(node.description.version).toEqual([1, 1.1]);
		expect(node.description.defaultVersion).toBe(1.1);
	});

	it('selects every event but injected by default', () => {
		const all = EVENT_DEFINITIONS.map((definition) => definition.event);
		expect([...(property('events').default as string[])].sort()).toEqual(all.filter((event) => event !== 'injected').sort());
		expect((property('events').options as Array<{ value: string }>).map((option) => option.value).sort()).toEqual([...all].sort());
	});

	it('explains both panels, test versus production URLs and the ok status in the notice and panel', () => {
		const text = JSON.stringify([property('setupNotice').displayName, node.description.triggerPanel]);
		for (const phrase of ['Account → Settings → Webhooks', 'Generate SecretKey', 'Test', 'Save', 'Administrator → API → Event API', 'Production URL', 'Test URL', 'bok@emaillabs.pl']) {
			expect(text).toContain(phrase);
		}
		expect(property('securityNotice').displayName).toContain('nothing is verified');
	});

	it('turns default parameters into the documented defaults', () => {
		const result = readTriggerSettings(property('events').default, 'normalised', {});
		expect(result.ok && result.settings).toMatchObject({ includeUnknown: false, runOnTestCalls: false, deduplicate: true, maxAgeSeconds: 26 * 3600, ipAllowList: null, trustedProxyHops: 0 });
	});

	it('has a codex entry in the Communication and Development categories', () => {
		expect(codex).toMatchObject({ node: 'n8n-nodes-emaillabs.emailLabsTrigger', categories: ['Communication', 'Development'] });
	});
});

describe('EmailLabs Webhook credential', () => {
	it('keeps every secret in a password field', () => {
		const secretFields = credential.properties.filter((p) => /secret|password|token/i.test(p.name));
		expect(secretFields.map((p) => p.name)).toEqual([
			'secretKey',
			'legacySecretKey',
			'basicAuthPassword',
			'urlToken',
			'previousSecretKey',
			'previousLegacySecretKey',
			'previousBasicAuthPassword',
			'previousUrlToken',
		]);
		for (const field of secretFields) expect(field.typeOptions?.password).toBe(true);
		expect(credential.name).toBe('emailLabsWebhookApi');
	});

	const test = (data: Record<string, string>) =>
		node.methods.credentialTest.emailLabsWebhookApiTest.call({} as ICredentialTestFunctions, { data } as unknown as ICredentialsDecrypted);

	it('passes a complete credential and says EmailLabs cannot confirm it', async () => {
		const result = await test({ secretKey: 'abc' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('press Test in the EmailLabs panel');
		expect((await test({ legacyPanelName: 'p', legacySecretKey: 's' })).status).toBe('OK');
		expect((await test({ basicAuthUser: 'u', basicAuthPassword: 'p' })).status).toBe('OK');
	});

	it('fails an empty or half-filled credential', async () => {
		expect(await test({})).toMatchObject({ status: 'Error' });
		expect(await test({ secretKey: '   ' })).toMatchObject({ status: 'Error' });
		expect(await test({ secretKey: 'a', legacyPanelName: 'p' })).toMatchObject({ status: 'Error', message: expect.stringContaining('panel name and the secret key') });
		expect(await test({ secretKey: 'a', basicAuthUser: 'u' })).toMatchObject({ status: 'Error', message: expect.stringContaining('user and a password') });
	});
});
