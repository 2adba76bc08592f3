import { EmailLabsApi } from '../../credentials/EmailLabsApi.credentials';
import { runCredentialTest } from '../../harness/runNode';
import { FakeServer, type RecordedRequest } from '../../harness/fakeServer';
import { credentialsFor, emailLabs, envelope, type Api } from '../../harness/emailLabsWire';
import { jsonItems, loadOptions, runEmailLabs } from '../../harness/runEmailLabs';

let server: FakeServer;
beforeAll(async () => (server = await FakeServer.start()));
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const unix = (iso: string) => Date.parse(iso) / 1000;
const run = (api: Api, parameters: Record<string, unknown>, continueOnFail = false) =>
	runEmailLabs({ api, server, parameters: parameters as never, items: jsonItems({}), continueOnFail });

/** A legacy list endpoint serving `rows` page by page (offset/limit as row offset). */
const pagedRows = (rows: unknown[]) => (req: RecordedRequest) => {
	const offset = Number(req.query.offset ?? 0);
	const limit = Number(req.query.limit ?? 100);
	const page = rows.slice(offset, offset + limit);
	return page.length ? { data: page, total: rows.length } : { status: 404, message: 'No items' };
};

describe('Blacklist (legacy API)', () => {
	it('adds an address with account, reason and comment as a form body', async () => {
		server.on('POST', '/api/blacklists', emailLabs('legacy', { data: { id: 7, email: 'jan@example.com' } }));
		const result = await run('legacy', {
			resource: 'blacklist',
			operation: 'add',
			email: 'jan@example.com',
			smtpAccount: '1.acme.smtp',
			reason: 'hardbounce',
			options: { comment: 'bounced in n8n' },
		});
		expect(result.error).toBeUndefined();
		expect(server.requests[0].form).toEqual({ account: '1.acme.smtp', email: 'jan@example.com', reason: 'hardbounce', comment: 'bounced in n8n' });
		expect(result.items[0].json).toMatchObject({ email: 'jan@example.com', added: true, data: { id: 7 } });
	});

	it('removes and checks an address; "No items" means not blacklisted', async () => {
		server.on('DELETE', '/api/blacklists/email/jan@example.com', emailLabs('legacy', {}));
		server.once('GET', '/api/blacklists/email/jan@example.com', emailLabs('legacy', { data: [{ email: 'jan@example.com', reason: 'unsubscribe' }] }));
		server.once('GET', '/api/blacklists/email/jan@example.com', emailLabs('legacy', { status: 404, message: 'No items' }));
		expect((await run('legacy', { resource: 'blacklist', operation: 'remove', email: 'jan@example.com' })).items[0].json).toMatchObject({ removed: true });
		const check = { resource: 'blacklist', operation: 'check', email: 'jan@example.com' };
		expect((await run('legacy', check)).items[0].json).toMatchObject({ blacklisted: true, entries: [{ reason: 'unsubscribe' }] });
		expect((await run('legacy', check)).items[0].json).toEqual({ email: 'jan@example.com', blacklisted: false, entries: [] });
		expect(server.requests.map((request) => request.method)).toEqual(['DELETE', 'GET', 'GET']);
	});

	it('lists with filters and pages through "Return All"', async () => {
		const rows = Array.from({ length: 1203 }, (_, i) => ({ email: `u${i}@example.com` }));
		server.on('GET', '/api/blacklists', emailLabs('legacy', pagedRows(rows)));
		const result = await run('legacy', {
			resource: 'blacklist',
			operation: 'getMany',
			returnAll: true,
			filters: { reason: 'hardbounce', source: 'smtp', dateFrom: '2026-11-01T00:00:00Z', dateTo: '2026-11-02T00:00:00Z' },
		});
		expect(result.items).toHaveLength(1203);
		expect(server.requests.map((request) => [request.query.offset, request.query.limit])).toEqual([
			['0', '500'],
			['500', '500'],
			['1000', '500'],
		]);
		expect(server.requests[0].query.filter).toBe(
			`reason::hardbounce|source::smtp|created_at.from::${unix('2026-11-01T00:00:00Z')}|created_at.to::${unix('2026-11-02T00:00:00Z')}`,
		);
	});

	it('respects Limit', async () => {
		server.on('GET', '/api/blacklists', emailLabs('legacy', pagedRows(Array.from({ length: 80 }, (_, i) => ({ i })))));
		const result = await run('legacy', { resource: 'blacklist', operation: 'getMany', returnAll: false, limit: 30 });
		expect(result.items).toHaveLength(30);
		expect(server.requests[0].query.limit).toBe('30');
	});

	it('is refused with an API v2.1 credential, naming the credential to use', async () => {
		const result = await run('v2', { resource: 'blacklist', operation: 'check', email: 'jan@example.com' });
		expect(server.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Blacklist → Check is not available with an EmailLabs API v2.1 credential');
		expect(result.error?.description).toMatch(/Legacy API/);
	});
});

describe('Email status and log', () => {
	it.each<Api>(['legacy', 'v2'])('gets one message by Message ID (%s)', async (api) => {
		const path = api === 'legacy' ? '/api/emails' : '/v2.1/email';
		server.once('GET', path, emailLabs(api, { data: [{ status: 'ok', to: 'jan@example.com' }] }));
		server.once('GET', path, emailLabs(api, { status: 404, message: 'No items', errors: [{ message: 'Not found' }] }));
		const parameters = { resource: 'email', operation: 'get', messageId: '<abc@acme.pl>', smtpAccount: '1.acme.smtp' };
		expect((await run(api, parameters)).items[0].json).toMatchObject({ found: true, messageId: 'abc@acme.pl', status: 'ok' });
		expect((await run(api, parameters)).items[0].json).toEqual({ found: false, messageId: 'abc@acme.pl' });
		expect(server.requests[0].query).toEqual(
			api === 'legacy'
				? { filter: 'message_id::abc@acme.pl|account::1.acme.smtp', limit: '1' }
				: { messageId: 'abc@acme.pl', smtpAccount: '1.acme.smtp', limit: '1' },
		);
	});

	it('lists the legacy log with recipient, account and date filters', async () => {
		server.on('GET', '/api/emails', emailLabs('legacy', { data: [{ msgid: 'a@acme.pl' }] }));
		const result = await run('legacy', {
			resource: 'email',
			operation: 'getMany',
			limit: 10,
			filters: { recipient: 'jan@example.com', smtpAccount: '1.acme.smtp', dateFrom: '2026-11-01T00:00:00Z' },
		});
		expect(result.items).toHaveLength(1);
		expect(server.requests[0].query).toEqual({
			filter: `account::1.acme.smtp|to::jan@example.com|created_at.from::${unix('2026-11-01T00:00:00Z')}`,
			sort: '-created_at',
			offset: '0',
			limit: '10',
		});
	});

	it('uses the per-status list for a status filter (legacy)', async () => {
		server.on('GET', '/api/smtp_events/hardbounce', emailLabs('legacy', { data: [{ to: 'x@example.com' }] }));
		const result = await run('legacy', { resource: 'email', operation: 'getMany', limit: 5, filters: { status: 'hardbounce', dateFrom: '2026-11-01T00:00:00Z' } });
		expect(result.items[0].json).toEqual({ status: 'hardbounce', to: 'x@example.com' });
		expect(server.requests[0].query.from_time).toBe(String(unix('2026-11-01T00:00:00Z')));
	});

	it('refuses v2.1 log filters nobody has documented instead of guessing', async () => {
		const result = await run('v2', { resource: 'email', operation: 'getMany', limit: 5, filters: { recipient: 'jan@example.com' } });
		expect(server.requests).toHaveLength(0);
		expect(result.error?.message).toBe('API v2.1 cannot filter the email log by recipient');
	});
});

describe('Events and statistics (legacy API)', () => {
	it('lists events by status from a start time', async () => {
		server.on('GET', '/api/smtp_events/spambounce', emailLabs('legacy', { data: [{ to: 'a@example.com' }, { to: 'b@example.com' }] }));
		const result = await run('legacy', {
			resource: 'event',
			operation: 'getMany',
			status: 'spambounce',
			since: '2026-11-20T00:00:00Z',
			until: '2026-11-21T00:00:00Z',
			limit: 50,
			filters: { smtpAccount: '1.acme.smtp' },
		});
		expect(result.items.map((item) => item.json.to)).toEqual(['a@example.com', 'b@example.com']);
		expect(server.requests[0].query).toMatchObject({
			from_time: String(unix('2026-11-20T00:00:00Z')),
			to_time: String(unix('2026-11-21T00:00:00Z')),
			filter: 'account::1.acme.smtp',
		});
	});

	it.each([
		['getOpens', '/api/opens'],
		['getClicks', '/api/clicks'],
	])('%s reads its own list with message filters', async (operation, path) => {
		server.on('GET', path, emailLabs('legacy', { data: [{ msgid: 'm@acme.pl', link: 'https://acme.pl' }] }));
		const result = await run('legacy', { resource: 'event', operation, limit: 50, filters: { messageId: '<m@acme.pl>', recipient: 'jan@example.com' } });
		expect(result.items[0].json).toEqual({ msgid: 'm@acme.pl', link: 'https://acme.pl' });
		expect(server.requests[0].query.filter).toBe('to::jan@example.com|msgid::m@acme.pl');
	});

	it.each([
		['getByStatus', '/api/agregate', 'status'],
		['getByTag', '/api/agregate_tags', 'tag'],
	])('%s aggregates over a period', async (operation, path, groupBy) => {
		server.on('GET', path, emailLabs('legacy', { data: { ok: 120, hardbounce: 3 } }));
		const result = await run('legacy', {
			resource: 'statistics',
			operation,
			dateFrom: '2026-10-01T00:00:00Z',
			dateTo: '2026-11-01T00:00:00Z',
			smtpAccount: '1.acme.smtp',
		});
		expect(server.requests[0].query).toEqual({
			smtp_account: '1.acme.smtp',
			date_from: String(unix('2026-10-01T00:00:00Z')),
			date_to: String(unix('2026-11-01T00:00:00Z')),
		});
		expect(result.items[0].json).toMatchObject({ groupBy, statistics: { ok: 120, hardbounce: 3 } });
	});

	it('checks the 62-day limit before sending', async () => {
		const result = await run('legacy', { resource: 'statistics', operation: 'getByStatus', dateFrom: '2026-08-01T00:00:00Z', dateTo: '2026-11-01T00:00:00Z' });
		expect(server.requests).toHaveLength(0);
		expect(result.error?.message).toBe('The date range is longer than 62 days, the most EmailLabs accepts');
	});
});

describe('Templates', () => {
	it('creates a legacy template (text sent as both documented field names) and deletes it', async () => {
		server.on('POST', '/api/add_template', emailLabs('legacy', { data: { template_id: 'tpl-9' } }));
		server.on('DELETE', '/api/delete_temlate/tpl-9', emailLabs('legacy', {}));
		const created = await run('legacy', { resource: 'template', operation: 'create', html: '<p>Hi {{ name }}</p>', text: 'Hi {{ name }}' });
		expect(created.items[0].json).toMatchObject({ templateId: 'tpl-9' });
		expect(server.requests[0].form).toEqual({ html: '<p>Hi {{ name }}</p>', txt: 'Hi {{ name }}', text: 'Hi {{ name }}' });
		const deleted = await run('legacy', { resource: 'template', operation: 'delete', templateId: 'tpl-9' });
		expect(deleted.items[0].json).toMatchObject({ templateId: 'tpl-9', deleted: true });
	});

	it('creates, lists and deletes v2.1 templates as JSON', async () => {
		server.on('POST', '/v2.1/email/template', emailLabs('v2', { data: [{ id: 'abc' }] }));
		server.on('GET', '/v2.1/email/template', emailLabs('v2', { data: [{ name: 'Welcome', externalId: 'w1' }] }));
		server.on('DELETE', '/v2.1/email/template/abc', emailLabs('v2', {}));
		const created = await run('v2', { resource: 'template', operation: 'create', name: 'Welcome', html: '<p>Hi</p>', options: { externalId: 'w1' } });
		expect(server.requests[0].json).toEqual({ name: 'Welcome', html: '<p>Hi</p>', externalId: 'w1' });
		expect(created.items[0].json.templateId).toBe('abc');
		const listed = await run('v2', { resource: 'template', operation: 'getMany', returnAll: true });
		expect(listed.items.map((item) => item.json.name)).toEqual(['Welcome']);
		expect((await run('v2', { resource: 'template', operation: 'delete', templateId: 'abc' })).error).toBeUndefined();
	});

	it('cannot list legacy templates, and says so', async () => {
		const result = await run('legacy', { resource: 'template', operation: 'getMany', returnAll: true });
		expect(result.error?.message).toBe('Template → Get Many is not available with an EmailLabs Legacy API credential');
	});
});

describe('SMTP accounts, disposable check, load options and credential test', () => {
	it.each<Api>(['legacy', 'v2'])('lists SMTP accounts and offers them in the dropdown (%s)', async (api) => {
		const path = api === 'legacy' ? '/api/smtp' : '/v2.1/email/smtpAccount';
		const data = api === 'legacy' ? { '2.acme.smtp': { active: 1 }, '1.acme.smtp': { active: 1 } } : [{ name: '2.acme.smtp' }, { name: '1.acme.smtp' }];
		server.on('GET', path, emailLabs(api, { data }));
		const listed = await run(api, { resource: 'smtpAccount', operation: 'getMany', returnAll: true });
		expect(listed.items).toHaveLength(2);
		expect(await loadOptions(api, server, 'getSmtpAccounts')).toEqual([
			{ name: '1.acme.smtp', value: '1.acme.smtp' },
			{ name: '2.acme.smtp', value: '2.acme.smtp' },
		]);
	});

	it('offers the API’s blacklist reasons', async () => {
		server.on('GET', '/api/blacklist_reasons', emailLabs('legacy', { data: ['unsubscribe', 'hardbounce'] }));
		expect(await loadOptions('legacy', server, 'getBlacklistReasons')).toEqual([
			{ name: 'hardbounce', value: 'hardbounce' },
			{ name: 'unsubscribe', value: 'unsubscribe' },
		]);
	});

	it('checks a disposable address', async () => {
		server.on('GET', '/api/is_mail_tmp/email/x@10minutemail.com', emailLabs('legacy', { data: true }));
		const result = await run('legacy', { resource: 'emailAddress', operation: 'checkDisposable', email: 'x@10minutemail.com' });
		expect(result.items[0].json).toMatchObject({ email: 'x@10minutemail.com', disposable: true });
	});

	it.each<Api>(['legacy', 'v2'])('tests the credential with a cheap read (%s)', async (api) => {
		const path = api === 'legacy' ? '/api/smtp' : '/v2.1/email/smtpAccount';
		server.on('GET', path, emailLabs(api, { data: [] }));
		const good = await runCredentialTest({ credentialType: new EmailLabsApi(), data: credentialsFor(api, server) });
		expect(good.status).toBe('OK');
		const wrong = await runCredentialTest({
			credentialType: new EmailLabsApi(),
			data: { ...credentialsFor(api, server), secretKey: 'nope', authorizationSecret: 'nope' },
		});
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toBeTruthy();
		expect(new Set(server.requests.map((request) => request.path))).toEqual(new Set([path]));
	});

	it('rejects an unknown operation clearly', async () => {
		server.on('GET', /.*/, () => envelope('legacy', {}));
		const result = await run('legacy', { resource: 'smtpAccount', operation: 'explode' });
		expect(result.error?.message ?? '').toMatch(/explode/);
	});
});
