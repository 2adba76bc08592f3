/** Bulk events for benchmarks, paging through 100,000 of them, and the simulated list latency. */
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { startReceiver, type Receiver } from './receiver';
import { nowSeconds, sandboxClient } from './sandboxClient';

let sandbox: Sandbox;
let client: ReturnType<typeof sandboxClient>;
let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver();
	sandbox = await startSandbox({ deliveredDelayMs: 60_000, webhooks: [{ url: receiver.url, format: 'json', secretKey: 's' }] });
	client = sandboxClient(sandbox);
});
afterAll(async () => {
	await sandbox.close();
	await receiver.close();
});
beforeEach(() => sandbox.reset());

it('creates 100,000 events over a range without webhooks, and pages through all of them 500 at a time', async () => {
	const toUnix = nowSeconds() - 10;
	const fromUnix = toUnix - 86_400;
	const created = await client.control('events/bulk', { body: { count: 100_000, status: 'ok', fromUnix, toUnix } });
	expect(created.status).toBe(200);
	expect(created.body).toMatchObject({ count: 100_000, status: 'ok', smtpAccount: '1.sandbox.smtp', fromUnix, toUnix, firstMessageId: expect.stringMatching(/^bulk-.+-0@/) });
	expect(sandbox.events).toHaveLength(100_000);
	expect(sandbox.webhooks).toHaveLength(0);
	expect(receiver.requests).toHaveLength(0);

	const { rows, pages } = await client.readAll('smtp_events/ok', { from_time: fromUnix, to_time: toUnix, sort: 'created_at' }, 500);
	// 200 full pages, then the 404 "No items" that ends the list.
	expect(pages).toHaveLength(201);
	expect(pages[200].status).toBe(404);
	expect(pages[0].body.number_of_elements).toBe(100_000);
	expect(rows).toHaveLength(100_000);
	expect(new Set(rows.map((row) => row.msgid)).size).toBe(100_000);
	expect(rows[0].status_time).toBe(fromUnix);
	expect(rows[rows.length - 1].status_time).toBe(toUnix);
	for (let index = 1; index < rows.length; index++) if (rows[index].status_time < rows[index - 1].status_time) throw new Error(`row ${index} is out of order`);
	// Evenly spread: one second has at most ceil(100,000 / 86,400) = 2 events.
	expect(new Set(rows.map((row) => row.status_time)).size).toBeGreaterThan(80_000);
}, 60_000);

it('refuses bad bulk requests', async () => {
	const now = nowSeconds();
	for (const body of [{ count: 0 }, { count: 2_000_000 }, { count: 5, status: 'injected' }, { count: 5, status: 'nope' }, { count: 5, smtpAccount: '9.nope.smtp' }, { count: 5, fromUnix: now, toUnix: now - 1 }, []]) {
		expect((await client.control('events/bulk', { body })).status).toBe(400);
	}
	const single = await client.control('events/bulk', { body: { count: 1, status: 'hardbounce', smtpAccount: '2.sandbox.smtp' } });
	expect(single.body).toMatchObject({ count: 1, status: 'hardbounce', smtpAccount: '2.sandbox.smtp', fromUnix: single.body.toUnix });
	// Bulk events have no side effects: no blacklist entry for the hard bounce.
	expect(sandbox.blacklist).toHaveLength(0);
	expect((await client.control(`messages/${single.body.firstMessageId}`)).body).toMatchObject({ status: 'hardbounce', statuses: [{ status: 'injected' }, { status: 'hardbounce' }] });
});

it('delays the legacy list answers by the latency set through the control API', async () => {
	expect((await client.control('latency')).body).toEqual({ ms: 0 });
	expect((await client.control('latency', { method: 'PUT', body: { ms: 120 } })).body).toEqual({ ms: 120 });
	expect(sandbox.latencyMs).toBe(120);
	sandbox.addBulkEvents({ count: 10, status: 'open' });
	const timed = async (path: string) => {
		const started = Date.now();
		const answer = await client.legacy(path);
		return { status: answer.status, ms: Date.now() - started };
	};
	for (const path of ['opens', `smtp_events/ok?from_time=${nowSeconds()}`, 'emails', 'blacklists']) expect((await timed(path)).ms).toBeGreaterThanOrEqual(115);
	expect((await timed('opens')).status).toBe(200);
	for (const ms of [-1, 'slow', 60_001]) expect((await client.control('latency', { method: 'PUT', body: { ms } })).status).toBe(400);
	sandbox.setLatency(0);
	expect((await client.control('info')).body.latencyMs).toBe(0);
});
