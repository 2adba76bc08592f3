/** The sandbox's EmailLabs wire behaviour, both API generations, called over HTTP. */
import { DEFAULT_LEGACY_KEYS, DEFAULT_V2_KEYS, startSandbox, type Sandbox } from '../../sandbox/server';
import { call } from './http';

let sandbox: Sandbox;
// Delivery events are not part of these tests: keep them from changing statuses mid-test.
beforeAll(async () => (sandbox = await startSandbox({ deliveredDelayMs: 60_000 })));
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const LEGACY_AUTH: [string, string] = [DEFAULT_LEGACY_KEYS.appKey, DEFAULT_LEGACY_KEYS.secretKey];
const V2_HEADERS = { 'Application-Key': DEFAULT_V2_KEYS.applicationKey, Authorization: DEFAULT_V2_KEYS.authorizationSecret };
const legacy = (path: string, options: Parameters<typeof call>[1] = {}) => call(`${sandbox.url}/api/${path}`, { auth: LEGACY_AUTH, ...options });
const v2 = (path: string, options: Parameters<typeof call>[1] = {}) => call(`${sandbox.url}/v2.1/${path}`, { ...options, headers: { ...V2_HEADERS, ...options.headers } });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('authentication', () => {
	it('rejects wrong legacy keys with 401 and the EmailLabs message', async () => {
		const answer = await call(`${sandbox.url}/api/smtp`, { auth: [DEFAULT_LEGACY_KEYS.appKey, 'wrong'] });
		expect(answer.status).toBe(401);
		expect(answer.body).toMatchObject({ code: 401, status: 'fail', message: 'App Key is invalid' });
		expect(typeof answer.body.req_id).toBe('string');
		expect((await call(`${sandbox.url}/api/smtp`)).status).toBe(401);
	});

	it('rejects wrong v2.1 keys with 401 in the v2.1 envelope', async () => {
		const answer = await call(`${sandbox.url}/v2.1/email/smtpAccount`, { headers: { 'Application-Key': DEFAULT_V2_KEYS.applicationKey, Authorization: `Basic ${DEFAULT_V2_KEYS.authorizationSecret}` } });
		expect(answer.status).toBe(401);
		expect(answer.body.meta).toMatchObject({ status: 401, numberOfErrors: 1 });
		expect(answer.body.errors[0]).toMatchObject({ code: 'E-0-401' });
		expect((await call(`${sandbox.url}/v2.1/email/smtpAccount`, { headers: { Authorization: DEFAULT_V2_KEYS.authorizationSecret } })).status).toBe(401);
	});

	it('accepts the right keys on both generations and logs the calls', async () => {
		expect((await legacy('smtp')).body.data.map((row: any) => row.name)).toEqual(['1.sandbox.smtp', '2.sandbox.smtp']);
		expect((await v2('email/smtpAccount')).body.data.map((row: any) => row.smtpAccount)).toEqual(['1.sandbox.smtp', '2.sandbox.smtp']);
		const calls = (await call(`${sandbox.url}/_sandbox/calls`)).body;
		expect(calls.map((entry: any) => `${entry.api} ${entry.path} ${entry.statusCode}`)).toEqual(['v2 /v2.1/email/smtpAccount 200', 'legacy /api/smtp 200']);
	});
});

describe('legacy API', () => {
	const send = (fields: Record<string, string>) =>
		legacy('new_sendmail', { body: form({ smtp_account: '1.sandbox.smtp', subject: 'Hi', from: 'shop@acme.pl', html: '<p>Hi</p>', 'to[jan@example.com]': '', ...fields }) });

	it('refuses a JSON body and missing or too long fields with 400', async () => {
		const json = await legacy('new_sendmail', { body: { subject: 'x' } });
		expect(json.status).toBe(400);
		expect(json.body.message).toMatch(/form/);
		const missing = await legacy('new_sendmail', { body: form({ smtp_account: '1.sandbox.smtp', from: 'shop@acme.pl' }) });
		expect(missing.status).toBe(400);
		expect(Object.keys(missing.body.message).sort()).toEqual(['html', 'subject', 'to']);
		expect((await send({ subject: 'x'.repeat(129) })).body.message).toEqual({ subject: 'Subject is longer than 128 characters' });
		expect((await send({ smtp_account: '9.nope.smtp' })).status).toBe(400);
		const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`to[u${i}@example.com]`, '']));
		expect((await send(many)).body.message.to).toMatch(/max 200/);
		expect(sandbox.messages).toHaveLength(0);
	});

	it('stores the message with attachments and answers recipient → Message-ID', async () => {
		const answer = await send({
			'to[jan@example.com][message_id]': 'm-1@acme.pl',
			'to[jan@example.com][reciver_name]': 'Jan',
			'to[bad-address]': '',
			'tags[0]': 'welcome',
			'files[0][name]': 'a.pdf',
			'files[0][mime]': 'application/pdf',
			'files[0][content]': Buffer.from('hello').toString('base64'),
		});
		expect(answer.status).toBe(200);
		expect(answer.body.data).toEqual([{ 'jan@example.com': 'm-1@acme.pl' }, { 'bad-address': 'Invalid email address: bad-address' }]);
		const stored = (await call(`${sandbox.url}/_sandbox/messages/m-1@acme.pl`)).body;
		expect(stored).toMatchObject({ to: { email: 'jan@example.com', name: 'Jan' }, tags: ['welcome'], attachments: [{ name: 'a.pdf', mime: 'application/pdf', size: 5, inline: false }] });
	});

	it('answers empty lists with 404 "No items", pages by row offset and applies filters', async () => {
		const empty = await legacy('blacklists');
		expect(empty.status).toBe(404);
		expect(empty.body).toMatchObject({ code: 404, status: 'fail', message: 'No items' });
		for (const email of ['a@x.pl', 'b@x.pl', 'c@y.pl']) {
			const added = await legacy('blacklists', { body: form({ email, account: '1.sandbox.smtp', reason: email.endsWith('y.pl') ? 'other' : 'unsubscribe' }) });
			expect(added.status).toBe(200);
		}
		const second = await legacy('blacklists?offset=1&limit=1&sort=email');
		expect(second.body.data.map((row: any) => row.email)).toEqual(['b@x.pl']);
		expect(second.body.number_of_elements).toBe(3);
		const filtered = await legacy(`blacklists?filter=${encodeURIComponent('reason::unsubscribe|account::1.sandbox.smtp')}`);
		expect(filtered.body.data.map((row: any) => row.email)).toEqual(['a@x.pl', 'b@x.pl']);
		expect((await legacy(`blacklists?filter=${encodeURIComponent('source::smtp')}`)).status).toBe(404);
		expect((await legacy('blacklists', { body: form({ email: 'd@x.pl', account: '1.sandbox.smtp', reason: 'bored' }) })).status).toBe(400);
		expect((await legacy('blacklists/email/a@x.pl', { method: 'DELETE' })).status).toBe(200);
		expect((await legacy('blacklists/email/a@x.pl')).status).toBe(404);
	});

	it('renders sendmail_templates with vars and global_vars, and counts statistics', async () => {
		const template = await legacy('add_template', { body: form({ html: '<p>Hi {{ name }} from {{ shop.city }}</p>', txt: 'Hi {{name}}' }) });
		const templateId = template.body.data.template_id;
		const answer = await legacy('sendmail_templates', {
			body: form({
				smtp_account: '1.sandbox.smtp',
				subject: 'Order for {{ name }}',
				from: 'shop@acme.pl',
				template_id: templateId,
				'to[jan@example.com][message_id]': 't-1@acme.pl',
				'to[jan@example.com][vars][name]': 'Jan',
				'to[jan@example.com][vars][shop][city]': 'Kraków',
				'global_vars[shop][city]': 'Warszawa',
			}),
		});
		expect(answer.status).toBe(200);
		const stored = sandbox.messages[0];
		expect(stored).toMatchObject({ subject: 'Order for Jan', html: '<p>Hi Jan from Warszawa</p>', text: 'Hi Jan', templateId });
		const now = Math.floor(Date.now() / 1000);
		const stats = await legacy(`agregate?date_from=${now - 60}&date_to=${now + 60}`);
		expect(stats.body.data).toMatchObject({ injected: 1 });
		expect((await legacy(`agregate?date_from=${now - 63 * 86400}&date_to=${now}`)).status).toBe(400);
		expect((await legacy(`delete_temlate/${templateId}`, { method: 'DELETE' })).status).toBe(200);
		expect((await legacy('sendmail_templates', { body: form({ template_id: templateId }) })).status).toBe(404);
	});

	it('answers the disposable check, reasons and unknown actions', async () => {
		expect((await legacy('is_mail_tmp/email/x@mailinator.com')).body.data).toEqual({ email: 'x@mailinator.com', is_tmp: true });
		expect((await legacy('is_mail_tmp/email/x@acme.pl')).body.data.is_tmp).toBe(false);
		expect(Object.keys((await legacy('blacklist_reasons')).body.data)).toEqual(expect.arrayContaining(['hardbounce', 'spam_complaint']));
		expect((await legacy('nope')).body).toMatchObject({ code: 404, message: 'Action not found' });
	});
});

describe('API v2.1', () => {
	const body = (extra: object = {}) => ({
		smtpAccount: '1.sandbox.smtp',
		subject: 'Hello',
		from: { email: 'shop@acme.pl', name: 'Acme' },
		to: [{ email: 'jan@example.com', messageId: 'v2-1@acme.pl' }],
		content: { html: '<p>Hi</p>', text: 'Hi' },
		...extra,
	});

	it('refuses form bodies and missing fields, answers 207 for partly invalid recipients', async () => {
		expect((await v2('email', { body: 'subject=x' })).status).toBe(400);
		const missing = await v2('email', { body: { to: [] } });
		expect(missing.status).toBe(400);
		expect(missing.body.errors.map((error: any) => error.meta.parameter).sort()).toEqual(['content', 'from.email', 'smtpAccount', 'subject', 'to']);
		const partial = await v2('email', { body: body({ to: [{ email: 'jan@example.com', messageId: 'v2-1@acme.pl' }, { email: 'nope' }] }) });
		expect(partial.status).toBe(207);
		expect(partial.body.data).toEqual([expect.objectContaining({ to: { email: 'jan@example.com', name: '', messageId: 'v2-1@acme.pl' }, status: 'injected' })]);
		expect(partial.body.errors[0].meta).toEqual({ parameter: 'to.email', value: 'nope' });
	});

	it('lists statuses by messageId (404 when none) and manages templates', async () => {
		expect((await v2('email?messageId=v2-1@acme.pl')).status).toBe(404);
		await v2('email', { body: body() });
		const list = await v2('email?messageId=v2-1@acme.pl&smtpAccount=1.sandbox.smtp&limit=1');
		expect(list.body.data[0]).toMatchObject({ to: { messageId: 'v2-1@acme.pl' }, status: 'injected', smtpAccount: '1.sandbox.smtp' });
		const created = await v2('email/template', { body: { name: 'Welcome', html: '<p>{{ x }}</p>' } });
		expect(created.status).toBe(200);
		expect((await v2('email/template')).body.data.map((row: any) => row.name)).toEqual(['Welcome (sandbox seed)', 'Campaign follow-up (sandbox seed)', 'Welcome']);
		expect((await v2(`email/template/${created.body.data.id}`, { method: 'DELETE' })).status).toBe(200);
		expect((await v2('email/template?externalId=none')).status).toBe(404);
	});
});

describe('web page and control API', () => {
	it('serves the page with a script that parses', async () => {
		const answer = await call(`${sandbox.url}/`);
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toMatch(/text\/html/);
		const script = /<script>([\s\S]*)<\/script>/.exec(answer.text)![1];
		expect(() => new Function(script)).not.toThrow();
		for (const path of ['messages', 'blacklist', 'calls', 'webhooks', 'events', 'reset']) expect(script).toContain(`'${path}'`);
	});

	it('reports info, validates webhook targets and resets state (keeping the seed template)', async () => {
		expect((await call(`${sandbox.url}/_sandbox/info`)).body).toMatchObject({ legacyBaseUrl: `${sandbox.url}/api`, smtpAccounts: ['1.sandbox.smtp', '2.sandbox.smtp'] });
		expect((await call(`${sandbox.url}/_sandbox/webhook-targets`, { body: [{ format: 'json' }] })).status).toBe(400);
		expect((await call(`${sandbox.url}/_sandbox/webhook-targets`, { body: { targets: [{ url: 'http://127.0.0.1:9/x', format: 'legacy', secretKey: 's' }] } })).body).toEqual({ targets: 1 });
		await legacy('blacklists', { body: form({ email: 'a@x.pl', account: '1.sandbox.smtp', reason: 'other' }) });
		expect((await call(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).body).toEqual({ reset: true });
		expect(sandbox.blacklist).toHaveLength(0);
		expect(sandbox.templates.map((template) => template.id)).toEqual(['welcome', 'follow-up']);
		expect((await call(`${sandbox.url}/_sandbox/nope`)).status).toBe(404);
		sandbox.setWebhookTargets([]);
	});
});
