import { asList } from '../support/phpForm';
import { binaryItem } from '../../harness/runNode';
import { FakeServer } from '../../harness/fakeServer';
import {
	REJECTED_DOMAIN,
	SECRETS,
	basePath,
	emailLabs,
	legacySendAnswer,
	v2SendAnswer,
	type Api,
} from '../../harness/emailLabsWire';
import { jsonItems, runEmailLabs, sendTemplateParameters } from '../../harness/runEmailLabs';

let server: FakeServer;
beforeAll(async () => (server = await FakeServer.start()));
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const sendParameters = {
	resource: 'email',
	operation: 'send',
	smtpAccount: '1.acme.smtp',
	fromEmail: 'hello@acme.pl',
	fromName: 'Acme',
	toEmail: '={{ $json.email }}',
	subject: 'Hello {{ name }}',
	html: '<p>Hi</p>',
	text: 'Hi',
};

const templateParameters = {
	...sendTemplateParameters,
	variablesUi: {
		variable: [...sendTemplateParameters.variablesUi.variable, { name: 'address.city', value: '={{ $json.city }}' }],
	},
};

const MESSAGE_ID = /^[0-9a-f-]{36}@acme\.pl$/;

describe.each<Api>(['legacy', 'v2'])('Email → Send (%s API)', (api) => {
	const sendPath = api === 'legacy' ? '/api/new_sendmail' : '/v2.1/email';
	beforeEach(() => server.on('POST', sendPath, emailLabs(api, api === 'legacy' ? legacySendAnswer : v2SendAnswer)));

	it('sends one message per item with a generated Message ID per recipient', async () => {
		const result = await runEmailLabs({
			api,
			server,
			parameters: {
				...sendParameters,
				additionalFields: {
					cc: 'boss@acme.pl',
					bcc: 'archive@acme.pl, audit@acme.pl',
					replyTo: 'support@acme.pl',
					tags: 'welcome, q4',
					headers: { header: [{ name: 'X-Campaign', value: 'onboarding' }] },
				},
			},
			items: jsonItems({ email: '"Jan Kowalski" <jan@example.com>' }, { email: 'anna@example.com' }),
		});
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(2);
		expect(result.items).toHaveLength(2);
		const first = result.items[0].json as any;
		expect(first.messageId).toMatch(MESSAGE_ID);
		expect(first.recipients).toEqual([{ email: 'jan@example.com', name: 'Jan Kowalski', messageId: first.messageId, accepted: true, confirmed: true }]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		const request = server.requests[0];
		if (api === 'legacy') {
			expect(request.form).toEqual({
				smtp_account: '1.acme.smtp',
				subject: 'Hello {{ name }}',
				from: 'hello@acme.pl',
				from_name: 'Acme',
				to: { 'jan@example.com': { message_id: first.messageId, reciver_name: 'Jan Kowalski' } },
				html: '<p>Hi</p>',
				text: 'Hi',
				reply_to: 'support@acme.pl',
				cc: 'boss@acme.pl',
				multi_bcc: '1',
				bcc: { 'archive@acme.pl': '', 'audit@acme.pl': '' },
				headers: { 'X-Campaign': 'onboarding' },
				tags: { '0': 'welcome', '1': 'q4' },
			});
			// Exactly PHP's http_build_query: brackets and @ percent-encoded.
			expect(request.rawBody.toString()).toContain('to%5Bjan%40example.com%5D%5Bmessage_id%5D=');
		} else {
			expect(request.json).toEqual({
				smtpAccount: '1.acme.smtp',
				subject: 'Hello {{ name }}',
				from: { email: 'hello@acme.pl', name: 'Acme' },
				to: [{ email: 'jan@example.com', name: 'Jan Kowalski', messageId: first.messageId }],
				content: { html: '<p>Hi</p>', text: 'Hi' },
				cc: [{ email: 'boss@acme.pl' }],
				bcc: [{ email: 'archive@acme.pl' }, { email: 'audit@acme.pl' }],
				replyTo: { email: 'support@acme.pl' },
				headers: { 'X-Campaign': 'onboarding' },
				tags: ['welcome', 'q4'],
			});
		}
	});

	it('attaches binary files with their names, MIME types and exact bytes, inline by cid', async () => {
		const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x80, 0x0a]);
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01]);
		const result = await runEmailLabs({
			api,
			server,
			parameters: {
				...sendParameters,
				html: '<img src="cid:logo.png">',
				additionalFields: {
					attachments: { attachment: [{ binaryPropertyName: 'invoice' }, { binaryPropertyName: 'logo', inline: true }] },
				},
			},
			items: [
				binaryItem(
					{ email: 'jan@example.com' },
					{
						invoice: { buffer: pdf, fileName: 'Faktura 11-2026 zażółć.pdf', mimeType: 'application/pdf' },
						logo: { buffer: png, fileName: 'logo.png', mimeType: 'image/png' },
					},
				),
			],
		});
		expect(result.error).toBeUndefined();
		const request = server.requests[0];
		const files =
			api === 'legacy'
				? asList<any>((request.form as any).files).map((file) => ({ name: file.name, mime: file.mime, content: file.content, inline: file.inline }))
				: (request.json as any).attachments.map((file: any) => ({ name: file.fileName, mime: file.fileMime, content: file.fileContent, inline: file.inline ? '1' : undefined }));
		expect(files).toEqual([
			{ name: 'Faktura 11-2026 zażółć.pdf', mime: 'application/pdf', content: pdf.toString('base64'), inline: undefined },
			{ name: 'logo.png', mime: 'image/png', content: png.toString('base64'), inline: '1' },
		]);
		expect(Buffer.from(files[0].content, 'base64').equals(pdf)).toBe(true);
	});

	it('reports a recipient EmailLabs refused on its own item and keeps the others (continue on fail)', async () => {
		const result = await runEmailLabs({
			api,
			server,
			continueOnFail: true,
			parameters: { ...sendParameters, options: { batching: true } },
			items: jsonItems({ email: 'a@example.com' }, { email: `bad@${REJECTED_DOMAIN}` }, { email: 'c@example.com' }),
		});
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.messageId).toMatch(MESSAGE_ID);
		expect(result.items[1].json.error).toMatch(/rejected 1 of 1 recipient.*bad@reject\.test \(Recipient address rejected\)/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json.messageId).toMatch(MESSAGE_ID);
	});
});

describe('Email → Send Template (legacy API) with batching', () => {
	beforeEach(() => server.on('POST', '/api/sendmail_templates', emailLabs('legacy', legacySendAnswer)));

	it('sends 1,000 items in 5 requests, each item with its own variables and Message ID', async () => {
		const rows = Array.from({ length: 1000 }, (_, i) => ({ email: `user${i}@example.com`, name: `User ${i}`, city: `City ${i % 7}` }));
		const result = await runEmailLabs({ api: 'legacy', server, parameters: templateParameters, items: jsonItems(...rows) });
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(5);
		expect(server.requests.map((request) => Object.keys((request.form as any).to).length)).toEqual([200, 200, 200, 200, 200]);
		expect(result.items).toHaveLength(1000);
		const ids = new Set(result.items.map((item) => item.json.messageId));
		expect(ids.size).toBe(1000);
		const item737 = result.items[737];
		expect(item737.pairedItem).toEqual({ item: 737 });
		const sent = (server.requests[3].form as any).to['user737@example.com'];
		expect(sent).toEqual({ message_id: item737.json.messageId, vars: { firstName: 'User 737', address: { city: 'City 2' } } });
		expect((server.requests[3].form as any).template_id).toBe('tpl-42');
		expect(item737.json).toMatchObject({ status: 'accepted', templateId: 'tpl-42', request: { number: 4, of: 5, recipients: 200 } });
	});

	it('maps a per-recipient failure inside a batch to the right item and stops there without continue on fail', async () => {
		const result = await runEmailLabs({
			api: 'legacy',
			server,
			parameters: templateParameters,
			items: jsonItems({ email: 'a@example.com', name: 'A' }, { email: `x@${REJECTED_DOMAIN}`, name: 'X' }),
		});
		expect(server.requests).toHaveLength(1);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain(`x@${REJECTED_DOMAIN}`);
		expect(result.error?.context?.itemIndex).toBe(1);
	});

	it('takes variables as JSON with nesting and sends global variables once', async () => {
		const result = await runEmailLabs({
			api: 'legacy',
			server,
			parameters: {
				...templateParameters,
				variablesMode: 'json',
				variablesJson: '={{ JSON.stringify({ firstName: $json.name, orders: [{ id: 1 }, { id: 2 }] }) }}',
				options: { globalVariablesJson: '{"shop":"Acme"}' },
			},
			items: jsonItems({ email: 'jan@example.com', name: 'Jan' }),
		});
		expect(result.error).toBeUndefined();
		const form = server.requests[0].form as any;
		expect(form.to['jan@example.com'].vars).toEqual({ firstName: 'Jan', orders: { '0': { id: '1' }, '1': { id: '2' } } });
		expect(form.global_vars).toEqual({ shop: 'Acme' });
	});

	it('is refused with an API v2.1 credential before anything is sent', async () => {
		const result = await runEmailLabs({ api: 'v2', server, parameters: templateParameters, items: jsonItems({ email: 'jan@example.com', name: 'Jan' }) });
		expect(server.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/Send Template is not available with an EmailLabs API v2\.1 credential/);
	});
});

describe('retries and API errors', () => {
	const run = (api: Api = 'legacy') =>
		runEmailLabs({ api, server, parameters: sendParameters, items: jsonItems({ email: 'jan@example.com' }) });

	it('waits for Retry-After on 429, then succeeds', async () => {
		server.once('POST', '/api/new_sendmail', emailLabs('legacy', { status: 429, message: 'Too many requests', headers: { 'Retry-After': '1' } }));
		server.on('POST', '/api/new_sendmail', emailLabs('legacy', legacySendAnswer));
		const started = Date.now();
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.items[0].json.status).toBe('accepted');
	});

	it('retries 503 and a connection reset, then succeeds', async () => {
		server.once('POST', '/v2.1/email', emailLabs('v2', { status: 503, errors: [{ message: 'Maintenance' }] }));
		server.once('POST', '/v2.1/email', { destroySocket: true });
		server.on('POST', '/v2.1/email', emailLabs('v2', v2SendAnswer));
		server.on('GET', '/v2.1/email', emailLabs('v2', { status: 404, errors: [{ message: 'Not found' }] }));
		const result = await run('v2');
		expect(result.error).toBeUndefined();
		// 503 is retried; after the reset EmailLabs is asked whether it holds the Message ID first.
		expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST', 'GET', 'POST']);
	});

	it('gives up after Max Tries with EmailLabs’ message', async () => {
		server.on('POST', '/api/new_sendmail', emailLabs('legacy', { status: 503, message: 'Service Unavailable' }));
		const result = await runEmailLabs({
			api: 'legacy',
			server,
			parameters: { ...sendParameters, options: { maxTries: 2 } },
			items: jsonItems({ email: 'jan@example.com' }),
		});
		expect(server.requests).toHaveLength(2);
		expect(result.error?.message).toBe('EmailLabs: Service Unavailable');
		expect(result.error?.httpCode).toBe('503');
	});

	it('does not retry a 400 and shows EmailLabs’ message, code and request id', async () => {
		server.on('POST', '/api/new_sendmail', emailLabs('legacy', { status: 400, message: { smtp_account: 'Account does not exist' } }));
		const result = await run();
		expect(server.requests).toHaveLength(1);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('EmailLabs: smtp_account: Account does not exist');
		expect(result.error?.description).toMatch(/^HTTP 400, code 400, request id req-\d+$/);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	it.each<Api>(['legacy', 'v2'])('explains a 401 plainly and never shows the secret (%s)', async (api) => {
		server.on('POST', `${basePath(api)}/${api === 'legacy' ? 'new_sendmail' : 'email'}`, (req) =>
			emailLabs(api, {})({ ...req, headers: { ...req.headers, authorization: 'wrong' } }),
		);
		const result = await runEmailLabs({ api, server, continueOnFail: true, parameters: sendParameters, items: jsonItems({ email: 'jan@example.com' }) });
		expect(server.requests).toHaveLength(1);
		const text = JSON.stringify(result.items);
		expect(result.items[0].json.error).toMatch(/EmailLabs did not accept the API keys: (App Key is invalid|Invalid authorization key)\. Check the EmailLabs credential/);
		expect(result.items[0].json.httpCode).toBe('401');
		for (const secret of SECRETS) expect(text).not.toContain(secret);
	});

	it('never shows the secret when EmailLabs cannot be reached', async () => {
		const closed = await FakeServer.start();
		await closed.close();
		const result = await runEmailLabs({
			api: 'legacy',
			server: closed,
			parameters: { ...sendParameters, options: { maxTries: 1 } },
			items: jsonItems({ email: 'jan@example.com' }),
		});
		expect(result.error?.message).toMatch(/^Could not reach EmailLabs \(127\.0\.0\.1:\d+\)/);
		for (const secret of SECRETS) expect(JSON.stringify(result.error)).not.toContain(secret);
	});
});

describe('input validation happens before any request', () => {
	beforeEach(() => server.on('POST', '/api/new_sendmail', emailLabs('legacy', legacySendAnswer)));

	it.each([
		[{ toEmail: 'not-an-address' }, /To contains an invalid email address: "not-an-address"/],
		[{ html: '', text: '' }, /The email has no body/],
		[{ subject: 'x'.repeat(129) }, /Subject is 129 characters long; EmailLabs accepts at most 128/],
		[{ toEmail: Array.from({ length: 201 }, (_, i) => `u${i}@example.com`).join(',') }, /To has 201 recipients; EmailLabs accepts at most 200/],
		[{ fromEmail: 'acme' }, /From Email is not a valid email address/],
	])('%j', async (override, message) => {
		const result = await runEmailLabs({
			api: 'legacy',
			server,
			parameters: { ...sendParameters, ...override },
			items: jsonItems({ email: 'ok@example.com' }, { email: 'ok2@example.com' }),
		});
		expect(server.requests).toHaveLength(0);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	it('names the item that is invalid and, with continue on fail, still sends the valid ones', async () => {
		const items = jsonItems({ email: 'a@example.com' }, { email: 'broken' }, { email: 'c@example.com' });
		const failing = await runEmailLabs({ api: 'legacy', server, parameters: sendParameters, items });
		expect(server.requests).toHaveLength(0);
		expect(failing.error?.context?.itemIndex).toBe(1);

		const tolerant = await runEmailLabs({ api: 'legacy', server, parameters: sendParameters, items, continueOnFail: true });
		expect(server.requests).toHaveLength(2);
		expect(tolerant.items.map((item) => [item.pairedItem, item.json.error ?? item.json.status])).toEqual([
			[{ item: 0 }, 'accepted'],
			[{ item: 1 }, 'To contains an invalid email address: "broken"'],
			[{ item: 2 }, 'accepted'],
		]);
	});
});
