/** The real EmailLabs node (through n8n-core) against the sandbox. */
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { jsonItems, runEmailLabs } from '../../harness/runEmailLabs';
import { LEGACY_KEYS, V2_KEYS, type Api } from '../../harness/emailLabsWire';
import type { FakeServer } from '../../harness/fakeServer';
import { call } from './http';

let sandbox: Sandbox;
beforeAll(async () => (sandbox = await startSandbox({ legacyKeys: LEGACY_KEYS, v2Keys: V2_KEYS, deliveredDelayMs: 5 })));
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

/** runEmailLabs only reads `url` from its server. */
const asServer = () => ({ url: sandbox.url }) as unknown as FakeServer;
const run = (api: Api, parameters: Record<string, unknown>, items = jsonItems({})) =>
	runEmailLabs({ api, server: asServer(), parameters: parameters as never, items });

describe('EmailLabs node → sandbox', () => {
	it('sends a template; the sandbox stores the rendered message under the node’s Message ID', async () => {
		const created = await run('legacy', {
			resource: 'template',
			operation: 'create',
			html: '<h1>Welcome {{ firstName }}</h1><p>{{ company }} · {{ address.city }}</p>',
			text: 'Welcome {{ firstName }} from {{ company }}',
		});
		expect(created.error).toBeUndefined();
		const templateId = (created.items[0].json as any).templateId;
		expect(sandbox.templates.map((template) => template.id)).toEqual(['welcome', 'follow-up', templateId]);

		const sent = await run(
			'legacy',
			{
				resource: 'email',
				operation: 'sendTemplate',
				smtpAccount: '1.sandbox.smtp',
				fromEmail: 'hello@acme.pl',
				fromName: 'Acme',
				toEmail: '={{ $json.email }}',
				subject: 'Welcome to {{ company }}, {{ firstName }}',
				templateId,
				variablesMode: 'keyValue',
				variablesUi: {
					variable: [
						{ name: 'firstName', value: '={{ $json.firstName }}' },
						{ name: 'company', value: '={{ $json.company }}' },
						{ name: 'address.city', value: 'Gdańsk' },
					],
				},
			},
			jsonItems({ email: '"Jan Kowalski" <jan@example.com>', firstName: 'Jan', company: 'Globex' }),
		);
		expect(sent.error).toBeUndefined();
		const output = sent.items[0].json as any;
		expect(output.messageId).toMatch(/^[0-9a-f-]{36}@acme\.pl$/);
		expect(output.recipients[0]).toMatchObject({ accepted: true, confirmed: true });

		const stored = (await call(`${sandbox.url}/_sandbox/messages/${output.messageId}`)).body;
		expect(stored).toMatchObject({
			messageId: output.messageId,
			endpoint: 'sendmail_templates',
			templateId,
			to: { email: 'jan@example.com', name: 'Jan Kowalski' },
			from: { email: 'hello@acme.pl', name: 'Acme' },
			subject: 'Welcome to Globex, Jan',
			html: '<h1>Welcome Jan</h1><p>Globex · Gdańsk</p>',
			text: 'Welcome Jan from Globex',
			vars: { firstName: 'Jan', company: 'Globex', address: { city: 'Gdańsk' } },
		});
	});

	it('adds to and checks the blacklist; a send to a blacklisted address is dropped', async () => {
		const added = await run('legacy', {
			resource: 'blacklist',
			operation: 'add',
			email: 'spam@example.com',
			smtpAccount: '1.sandbox.smtp',
			reason: 'spam_complaint',
			options: { comment: 'from n8n' },
		});
		expect(added.error).toBeUndefined();
		expect(sandbox.blacklist).toEqual([expect.objectContaining({ email: 'spam@example.com', account: '1.sandbox.smtp', reason: 'spam_complaint', source: 'API', comment: 'from n8n' })]);

		const checked = await run('legacy', { resource: 'blacklist', operation: 'check', email: '={{ $json.email }}' }, jsonItems({ email: 'spam@example.com' }, { email: 'fine@example.com' }));
		expect(checked.error).toBeUndefined();
		expect(checked.items.map((item) => (item.json as any).blacklisted)).toEqual([true, false]);

		const sent = await run('v2', {
			resource: 'email',
			operation: 'send',
			smtpAccount: '1.sandbox.smtp',
			fromEmail: 'hello@acme.pl',
			toEmail: 'spam@example.com',
			subject: 'Hi',
			html: '<p>Hi</p>',
		});
		expect(sent.error).toBeUndefined();
		expect(sandbox.messages[0]).toMatchObject({ api: 'v2', status: 'dropped', to: { email: 'spam@example.com' } });
	});

	it('reads SMTP accounts and statistics through the node', async () => {
		const accounts = await run('v2', { resource: 'smtpAccount', operation: 'getMany', returnAll: true });
		expect(accounts.items.map((item) => (item.json as any).smtpAccount)).toEqual(['1.sandbox.smtp', '2.sandbox.smtp']);
		const stats = await run('legacy', {
			resource: 'statistics',
			operation: 'getByStatus',
			dateFrom: new Date(Date.now() - 86400_000).toISOString(),
			dateTo: new Date(Date.now() + 60_000).toISOString(),
		});
		expect(stats.error).toBeUndefined();
		expect((stats.items[0].json as any).statistics).toMatchObject({ injected: 0, ok: 0, hardbounce: 0 });
	});
});
