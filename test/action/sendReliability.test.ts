/**
 * Sends never lose track and never duplicate: ambiguous failures (the server acted, then the
 * answer was lost) are reconciled by Message ID, a failing call only fails its own items, and a
 * stopping error names what EmailLabs already accepted. A fake EmailLabs on loopback remembers
 * the Message IDs it accepted and answers lookups from that memory, as the real API would.
 */
import { FakeServer, type FakeReply, type RecordedRequest } from '../../harness/fakeServer';
import { emailLabs, legacySendAnswer, v2SendAnswer, type Api } from '../../harness/emailLabsWire';
import { jsonItems, runEmailLabs } from '../../harness/runEmailLabs';

let server: FakeServer;
beforeAll(async () => (server = await FakeServer.start()));
afterAll(async () => await server.close());
beforeEach(() => server.reset());

const parameters = {
	resource: 'email',
	operation: 'send',
	smtpAccount: '1.acme.smtp',
	fromEmail: 'hello@acme.pl',
	toEmail: '={{ $json.email }}',
	subject: 'Hello',
	html: '<p>Hi</p>',
	options: { batching: true, maxRecipientsPerRequest: 2 },
};

const sendPath = (api: Api) => (api === 'legacy' ? '/api/new_sendmail' : '/v2.1/email');

/** The Message IDs a send request carries. */
function messageIds(api: Api, req: RecordedRequest): string[] {
	if (api === 'legacy') return Object.values((req.form?.to ?? {}) as Record<string, { message_id: string }>).map((to) => to.message_id);
	return ((req.json as { to: Array<{ messageId: string }> }).to ?? []).map((to) => to.messageId);
}

/**
 * A fake EmailLabs: `fault(n)` decides what the n-th send call suffers; accepted IDs are kept,
 * also when the answer is then lost. Lookups answer from the kept IDs.
 */
function fakeEmailLabs(api: Api, fault: (call: number) => 'none' | 'processThenDrop' | 'processThenStatus502' | 'reset' | 'status503') {
	const accepted: string[] = [];
	let calls = 0;
	const answer = emailLabs(api, api === 'legacy' ? legacySendAnswer : v2SendAnswer);
	server.on('POST', sendPath(api), async (req): Promise<FakeReply> => {
		const kind = fault(++calls);
		if (kind === 'reset') return { destroySocket: true };
		if (kind === 'status503') return emailLabs(api, { status: 503, message: 'Busy', errors: [{ message: 'Busy' }] })(req) as FakeReply;
		accepted.push(...messageIds(api, req));
		if (kind === 'processThenDrop') return { destroySocket: true };
		if (kind === 'processThenStatus502') return emailLabs(api, { status: 502, message: 'Bad gateway', errors: [{ message: 'Bad gateway' }] })(req) as FakeReply;
		return (await answer(req)) as FakeReply;
	});
	const lookupPath = api === 'legacy' ? '/api/emails' : '/v2.1/email';
	server.on('GET', lookupPath, (req) => {
		const query = req.query as { filter?: { message_id?: string }; messageId?: string };
		const id = api === 'legacy' ? query.filter?.message_id : query.messageId;
		const held = id !== undefined && accepted.includes(id);
		if (!held) return emailLabs(api, { status: 404, message: 'No items', errors: [{ message: 'Not found' }] })(req) as FakeReply;
		return emailLabs(api, { data: api === 'legacy' ? [{ message_id: id }] : [{ to: { messageId: id } }] })(req) as FakeReply;
	});
	return { accepted, calls: () => calls };
}

const people = (count: number) => jsonItems(...Array.from({ length: count }, (_, i) => ({ email: `p${i}@example.com` })));

describe.each<Api>(['legacy', 'v2'])('ambiguous failures (%s API)', (api) => {
	it('a request processed and then dropped is not sent again: the lookup confirms it', async () => {
		const fake = fakeEmailLabs(api, (call) => (call === 1 ? 'processThenDrop' : 'none'));
		const result = await runEmailLabs({ api, server, parameters, items: people(2) });
		expect(result.error).toBeUndefined();
		expect(fake.calls()).toBe(1);
		expect(new Set(fake.accepted).size).toBe(fake.accepted.length);
		expect(result.items.map((item) => (item.json.recipients as Array<{ lookedUp?: boolean }>)[0].lookedUp)).toEqual([true, true]);
	});

	it('a 502 after processing is not sent again; a reset before processing is sent once more', async () => {
		const fake = fakeEmailLabs(api, (call) => (call === 1 ? 'processThenStatus502' : call === 2 ? 'reset' : 'none'));
		const result = await runEmailLabs({ api, server, parameters, items: people(4) });
		expect(result.error).toBeUndefined();
		expect(fake.accepted.sort()).toEqual(result.items.map((item) => item.json.messageId as string).sort());
		expect(fake.calls()).toBe(3);
	});

	it('1,000 recipients, about 30 % of the calls failing in every way: each accepted exactly once', async () => {
		const kinds = ['processThenDrop', 'processThenStatus502', 'reset', 'status503'] as const;
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		const fake = fakeEmailLabs(api, () => (random() < 0.3 ? kinds[Math.floor(random() * kinds.length)] : 'none'));
		const result = await runEmailLabs({
			api,
			server,
			parameters: { ...parameters, options: { batching: true, maxRecipientsPerRequest: 200, maxTries: 6 } },
			items: people(1000),
			continueOnFail: true,
		});
		const ok = result.items.filter((item) => item.json.status === 'accepted');
		expect(result.items.filter((item) => item.json.error)).toEqual([]);
		expect(ok).toHaveLength(1000);
		expect(fake.accepted).toHaveLength(1000);
		expect(new Set(fake.accepted).size).toBe(1000);
	}, 60_000);
});

describe('failures stay with their own items', () => {
	it('with Continue On Fail, a call whose fate cannot be learned fails only its items and is not re-sent', async () => {
		let calls = 0;
		server.on('POST', '/api/new_sendmail', (req) => (++calls === 2 ? { destroySocket: true } : emailLabs('legacy', legacySendAnswer)(req)));
		server.on('GET', '/api/emails', { status: 500, body: { code: 500, status: 'fail', message: 'Down' } });
		const result = await runEmailLabs({ api: 'legacy', server, parameters: { ...parameters, options: { ...parameters.options, maxTries: 2 } }, items: people(6), continueOnFail: true });
		expect(calls).toBe(3);
		expect(result.items.map((item) => [item.pairedItem, item.json.status ?? 'error'])).toEqual([
			[{ item: 0 }, 'accepted'],
			[{ item: 1 }, 'accepted'],
			[{ item: 2 }, 'error'],
			[{ item: 3 }, 'error'],
			[{ item: 4 }, 'accepted'],
			[{ item: 5 }, 'accepted'],
		]);
		expect(result.items[2].json.error).toMatch(/may have accepted this message .* not sent again to avoid a duplicate/);
	});

	it('with Continue On Fail, EmailLabs unreachable for one call fails only that call’s items', async () => {
		let calls = 0;
		server.on('POST', '/api/new_sendmail', (req) => (++calls === 2 ? { status: 503, body: { code: 503, status: 'fail', message: 'Busy' } } : emailLabs('legacy', legacySendAnswer)(req)));
		const result = await runEmailLabs({ api: 'legacy', server, parameters: { ...parameters, options: { ...parameters.options, maxTries: 1 } }, items: people(6), continueOnFail: true });
		expect(result.items.map((item) => item.json.status ?? 'error')).toEqual(['accepted', 'accepted', 'error', 'error', 'accepted', 'accepted']);
	});

	it('without Continue On Fail, the error names the recipients already accepted and their Message IDs', async () => {
		let calls = 0;
		server.on('POST', '/api/new_sendmail', (req) => (++calls === 3 ? { status: 503, body: { code: 503, status: 'fail', message: 'Busy' } } : emailLabs('legacy', legacySendAnswer)(req)));
		const result = await runEmailLabs({ api: 'legacy', server, parameters: { ...parameters, options: { ...parameters.options, maxTries: 1 } }, items: people(6) });
		expect(result.error?.description).toMatch(/EmailLabs accepted 4 recipient\(s\) of earlier requests/);
		const context = result.error?.context as { acceptedRecipients: number; acceptedMessageIds: string[]; itemIndex: number };
		expect(context.acceptedRecipients).toBe(4);
		expect(context.acceptedMessageIds).toHaveLength(4);
		expect(context.itemIndex).toBe(4);
	});
});
