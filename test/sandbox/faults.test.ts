/** The sandbox's fault injector (`/_sandbox/faults`): each mode, `times`, `ratio`, and its control API. */
import { DEFAULT_LEGACY_KEYS, DEFAULT_V2_KEYS, startSandbox, type Sandbox } from '../../sandbox/server';
import { call, waitUntil } from './http';
import { startReceiver, type Receiver } from './receiver';

let sandbox: Sandbox;
let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver();
	sandbox = await startSandbox({ deliveredDelayMs: 5, webhooks: [{ url: receiver.url, format: 'json', secretKey: 'secret' }] });
});
afterAll(async () => {
	await sandbox.close();
	await receiver.close();
});
beforeEach(async () => {
	await sandbox.webhooksSettled(2000);
	sandbox.reset();
	receiver.requests.length = 0;
});

const LEGACY_AUTH: [string, string] = [DEFAULT_LEGACY_KEYS.appKey, DEFAULT_LEGACY_KEYS.secretKey];
const V2_HEADERS = { 'Application-Key': DEFAULT_V2_KEYS.applicationKey, Authorization: DEFAULT_V2_KEYS.authorizationSecret };
const legacy = (path: string, options: Parameters<typeof call>[1] = {}) => call(`${sandbox.url}/api/${path}`, { auth: LEGACY_AUTH, ...options });
const v2 = (path: string, options: Parameters<typeof call>[1] = {}) => call(`${sandbox.url}/v2.1/${path}`, { ...options, headers: { ...V2_HEADERS, ...options.headers } });
const control = (method: string, path: string, body?: object) => call(`${sandbox.url}/_sandbox/${path}`, { method, ...(body ? { body } : {}) });
const setFaults = async (rules: object[], seed?: number) => {
	const answer = await control('POST', 'faults', { rules, ...(seed !== undefined ? { seed } : {}) });
	expect(answer.status).toBe(200);
	return answer.body;
};
const legacySend = (messageId: string, endpoint = 'new_sendmail') =>
	legacy(endpoint, {
		body: new URLSearchParams({
			smtp_account: '1.sandbox.smtp',
			subject: 'Hi',
			from: 'shop@acme.pl',
			html: '<p>Hi</p>',
			[`to[jan@example.com][message_id]`]: messageId,
		}).toString(),
	});
const v2Send = (messageId: string) =>
	v2('email', { body: { smtpAccount: '1.sandbox.smtp', subject: 'Hi', from: { email: 'shop@acme.pl' }, to: [{ email: 'jan@example.com', messageId }], content: { html: '<p>Hi</p>' } } });
const webhookFor = (messageId: string) => receiver.requests.some((request) => request.body.includes(messageId));
const NO_FAULTS = { status: 0, reset: 0, processThenDrop: 0, processThenStatus: 0 };

describe('control API', () => {
	it('starts empty, replaces the rules, reports counters, and clears on DELETE, [] and reset', async () => {
		expect((await control('GET', 'faults')).body).toEqual({ rules: [], injected: NO_FAULTS, total: 0 });
		const report = await setFaults([{ path: '/new_sendmail/', mode: 'status', status: 502, times: 3, ratio: 1, retryAfter: 2, method: 'post' }]);
		expect(report.rules).toEqual([{ path: 'new_sendmail', method: 'POST', mode: 'status', status: 502, times: 3, ratio: 1, retryAfter: 2, fired: 0, remaining: 3 }]);
		expect((await legacySend('c-1@acme.pl')).status).toBe(502);
		expect((await control('GET', 'faults')).body).toMatchObject({ rules: [{ fired: 1, remaining: 2 }], injected: { ...NO_FAULTS, status: 1 }, total: 1 });
		expect((await control('DELETE', 'faults')).body).toEqual({ rules: [], injected: NO_FAULTS, total: 0 });
		await setFaults([{ path: '*', mode: 'reset' }]);
		expect((await setFaults([])).rules).toEqual([]);
		await setFaults([{ path: '*', mode: 'reset' }]);
		expect((await control('POST', 'reset')).status).toBe(200);
		expect(sandbox.faults.rules).toEqual([]);
		expect((await legacy('smtp')).status).toBe(200);
	});

	it('refuses malformed rules with 400 and keeps the old ones', async () => {
		await setFaults([{ path: 'email', mode: 'reset', times: 1 }]);
		const bad: object[] = [
			{ mode: 'reset' },
			{ path: 'email', mode: 'explode' },
			{ path: 'email', mode: 'status' },
			{ path: 'email', mode: 'reset', status: 502 },
			{ path: 'email', mode: 'reset', times: 0 },
			{ path: 'email', mode: 'reset', ratio: 1.5 },
			{ path: 'email', mode: 'status', status: 429, retryAfter: 0.5 },
			{ path: 'email', mode: 'reset', time: 3 },
		];
		for (const rule of bad) {
			const answer = await control('POST', 'faults', { rules: [rule] });
			expect(answer.status).toBe(400);
			expect(answer.body.error).toMatch(/^Rule 0: /);
		}
		expect((await control('POST', 'faults', { nope: true })).status).toBe(400);
		expect(sandbox.faults.rules).toMatchObject([{ path: 'email', mode: 'reset', times: 1 }]);
	});
});

describe('modes', () => {
	it('status: answers the status in the legacy envelope without processing, then `times` runs out', async () => {
		await setFaults([{ path: 'new_sendmail', mode: 'status', status: 502, times: 1 }]);
		const faulted = await legacySend('s-1@acme.pl');
		expect(faulted.status).toBe(502);
		expect(faulted.body).toMatchObject({ code: 502, status: 'fail', message: 'Bad Gateway (sandbox fault injection)', data: [] });
		expect(typeof faulted.body.req_id).toBe('string');
		expect(sandbox.messages).toHaveLength(0);
		expect(sandbox.calls[0]).toMatchObject({ path: '/api/new_sendmail', statusCode: 502, fault: { mode: 'status' } });
		expect(sandbox.calls[0].fault).not.toHaveProperty('processedStatus');
		expect((await legacySend('s-2@acme.pl')).status).toBe(200);
		expect(sandbox.messages.map((message) => message.messageId)).toEqual(['s-2@acme.pl']);
	});

	it('status 429 with Retry-After in the v2.1 envelope', async () => {
		await setFaults([{ path: 'email', mode: 'status', status: 429, retryAfter: 1 }]);
		const answer = await v2Send('s-3@acme.pl');
		expect(answer.status).toBe(429);
		expect(answer.headers['retry-after']).toBe('1');
		expect(answer.body.meta).toMatchObject({ status: 429, numberOfErrors: 1 });
		expect(answer.body.errors[0]).toMatchObject({ code: 'E-0-429', title: 'Too Many Requests' });
		expect(sandbox.messages).toHaveLength(0);
	});

	it('reset: closes the connection without answering or processing', async () => {
		await setFaults([{ path: 'new_sendmail', mode: 'reset', times: 1 }]);
		await expect(legacySend('r-1@acme.pl')).rejects.toMatchObject({ code: 'ECONNRESET' });
		expect(sandbox.messages).toHaveLength(0);
		expect(sandbox.calls[0]).toMatchObject({ statusCode: 0, fault: { mode: 'reset' } });
		expect(sandbox.faults.injected).toEqual({ ...NO_FAULTS, reset: 1 });
	});

	it('processThenDrop (legacy): the message is stored and its webhooks fire, the client gets a socket error', async () => {
		await setFaults([{ path: 'new_sendmail', mode: 'processThenDrop', times: 1 }]);
		await expect(legacySend('d-1@acme.pl')).rejects.toMatchObject({ code: 'ECONNRESET' });
		expect(sandbox.calls[0]).toMatchObject({ statusCode: 0, fault: { mode: 'processThenDrop', processedStatus: 200 } });
		const found = await legacy(`emails?filter[message_id]=${encodeURIComponent('d-1@acme.pl')}`);
		expect(found.status).toBe(200);
		expect(found.body.data).toHaveLength(1);
		expect(found.body.data[0]).toMatchObject({ message_id: 'd-1@acme.pl', to: 'jan@example.com' });
		await waitUntil(() => webhookFor('d-1@acme.pl'));
		expect(sandbox.messages[0].status).toBe('ok');
	});

	it('processThenDrop (v2.1): the send is visible with GET /v2.1/email?messageId=', async () => {
		await setFaults([{ path: 'email', method: 'POST', mode: 'processThenDrop' }]);
		await expect(v2Send('d-2@acme.pl')).rejects.toMatchObject({ code: 'ECONNRESET' });
		const lookup = await v2(`email?messageId=${encodeURIComponent('<d-2@acme.pl>')}`);
		expect(lookup.status).toBe(200);
		expect(lookup.body.data).toHaveLength(1);
		expect(lookup.body.data[0].to).toEqual({ email: 'jan@example.com', name: '', messageId: 'd-2@acme.pl' });
		expect((await v2('email?messageId=unknown@acme.pl')).status).toBe(404);
	});

	it('processThenStatus: processes, then answers the status instead', async () => {
		await setFaults([
			{ path: 'sendmail_templates', mode: 'processThenStatus', status: 502, times: 1 },
			{ path: 'email', mode: 'processThenStatus', status: 504, times: 1 },
		]);
		const legacyAnswer = await legacy('sendmail_templates', {
			body: new URLSearchParams({ smtp_account: '1.sandbox.smtp', subject: 'Hi', from: 'shop@acme.pl', template_id: 'welcome', 'to[ann@example.com][message_id]': 't-1@acme.pl' }).toString(),
		});
		expect(legacyAnswer.status).toBe(502);
		expect(legacyAnswer.body).toMatchObject({ code: 502, status: 'fail' });
		const v2Answer = await v2Send('t-2@acme.pl');
		expect(v2Answer.status).toBe(504);
		expect(v2Answer.body.errors[0].code).toBe('E-0-504');
		expect(sandbox.messages.map((message) => message.messageId)).toEqual(['t-1@acme.pl', 't-2@acme.pl']);
		expect(sandbox.calls.map((entry) => entry.fault)).toEqual([
			{ mode: 'processThenStatus', processedStatus: 200 },
			{ mode: 'processThenStatus', processedStatus: 200 },
		]);
		await waitUntil(() => webhookFor('t-1@acme.pl') && webhookFor('t-2@acme.pl'));
	});
});

describe('matching, times and ratio', () => {
	it('matches the action path (or * for any API call, never the control API) and the method', async () => {
		await setFaults([{ path: 'email', method: 'POST', mode: 'status', status: 503 }]);
		expect((await v2('email?messageId=x@acme.pl')).status).toBe(404);
		expect((await v2('email/smtpAccount')).status).toBe(200);
		expect((await legacy('emails')).status).toBe(404);
		expect((await v2Send('m-1@acme.pl')).status).toBe(503);
		await setFaults([{ path: '*', mode: 'status', status: 500 }]);
		expect((await legacy('smtp')).status).toBe(500);
		expect((await v2('email/template')).status).toBe(500);
		expect((await control('GET', 'messages')).status).toBe(200);
	});

	it('ratio 0 never applies, ratio 1 with times applies exactly `times` times, the first applicable rule wins', async () => {
		await setFaults([
			{ path: 'smtp', mode: 'status', status: 500, ratio: 0 },
			{ path: 'smtp', mode: 'status', status: 502, ratio: 1, times: 2 },
		]);
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await legacy('smtp')).status);
		expect(statuses).toEqual([502, 502, 200, 200]);
		expect(sandbox.faults.rules.map((rule) => rule.fired)).toEqual([0, 2]);
	});

	it('a seeded ratio gives the same faults on every run, roughly at that rate', async () => {
		const run = async () => {
			await setFaults([{ path: 'smtp', mode: 'status', status: 503, ratio: 0.3 }], 42);
			const statuses: number[] = [];
			for (let i = 0; i < 100; i++) statuses.push((await legacy('smtp')).status);
			return statuses;
		};
		const first = await run();
		expect(await run()).toEqual(first);
		const faulted = first.filter((status) => status === 503).length;
		expect(faulted).toBeGreaterThan(15);
		expect(faulted).toBeLessThan(45);
		expect(sandbox.faults).toMatchObject({ seed: 42, total: faulted, injected: { status: faulted } });
	});
});

describe('legacy GET emails filter[message_id]', () => {
	it('finds the message by id and answers 404 "No items" when nothing matches', async () => {
		expect((await legacySend('f-1@acme.pl')).status).toBe(200);
		expect((await legacySend('f-2@acme.pl')).status).toBe(200);
		const found = await legacy(`emails?filter[message_id]=${encodeURIComponent('f-2@acme.pl')}`);
		expect(found.body.data.map((row: any) => row.message_id)).toEqual(['f-2@acme.pl']);
		expect((await legacy(`emails?filter=${encodeURIComponent('message_id::f-1@acme.pl')}`)).body.data.map((row: any) => row.message_id)).toEqual(['f-1@acme.pl']);
		const none = await legacy('emails?filter[message_id]=nobody@acme.pl');
		expect(none.status).toBe(404);
		expect(none.body).toMatchObject({ code: 404, status: 'fail', message: 'No items' });
	});
});
