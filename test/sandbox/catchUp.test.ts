/**
 * Catch-up reading through the legacy lists (`smtp_events/{status}`, `opens`, `clicks`): rows that
 * rebuild the webhook events, time windows, both sort orders and stable paging while new events
 * arrive later in time.
 */
import { startSandbox, type Sandbox, type WebhookEvent } from '../../sandbox/server';
import { startReceiver, type Receiver } from './receiver';
import { nowSeconds, sandboxClient, unixOf } from './sandboxClient';

let sandbox: Sandbox;
let receiver: Receiver;
let client: ReturnType<typeof sandboxClient>;
beforeEach(async () => {
	receiver = await startReceiver();
	sandbox = await startSandbox({ deliveredDelayMs: 5, retryDelaysMs: [], webhooks: [{ url: receiver.url, format: 'json', secretKey: 'secret' }] });
	client = sandboxClient(sandbox);
});
afterEach(async () => {
	await sandbox.close();
	await receiver.close();
});

/** What a catch-up reader makes of a row: the webhook event it stands for. */
const rebuildWebhookEvent = (row: any): WebhookEvent => ({
	smtpAccount: row.account,
	to: { email: row.to, name: row.to_name, messageId: row.msgid },
	from: { email: row.from, name: row.from_name },
	subject: row.subject,
	tags: row.tags.length ? row.tags : null,
	status: row.status,
	statusTime: row.status_time,
	statusDesc: row.description,
	allStatuses: [],
	...(row.link !== undefined ? { url: row.link } : {}),
	...(row.ip !== undefined ? { ip: row.ip, userAgent: row.user_agent } : {}),
});

it('rows of smtp_events, opens and clicks rebuild the events the webhooks carried', async () => {
	await client.send('jan@example.com', 'cu-1@acme.pl', { 'tags[0]': 'welcome', 'tags[1]': 'q4' });
	await receiver.waitFor(1);
	await client.control('messages/cu-1@acme.pl/open', { body: { ip: '10.1.2.3', userAgent: 'Thunderbird' } });
	await client.control('messages/cu-1@acme.pl/click', { body: { url: 'https://acme.pl/offer?x=1' } });
	await receiver.waitFor(3);
	const webhookEvents: WebhookEvent[] = receiver.requests.map((request) => JSON.parse(request.body)[0]);

	const window = `filter=${encodeURIComponent(`created_at.from::${nowSeconds() - 60}|created_at.to::${nowSeconds() + 60}`)}`;
	const [delivered, opens, clicks] = await Promise.all([
		client.legacy(`smtp_events/ok?from_time=${nowSeconds() - 60}`),
		client.legacy(`opens?${window}`),
		client.legacy(`clicks?${window}`),
	]);
	const rows = [delivered, opens, clicks].map((answer) => answer.body.data[0]);
	expect(rows.map(rebuildWebhookEvent)).toEqual(webhookEvents);
	for (const row of rows) {
		expect(unixOf(row.created_at)).toBe(row.status_time);
		expect(row).toMatchObject({ message_id: 'cu-1@acme.pl', user: '1.sandbox.smtp', date: row.created_at, updated_at: row.created_at });
	}
	expect(rows[1]).toMatchObject({ ip: '10.1.2.3', user_agent: 'Thunderbird', os: expect.any(String) });
	expect(rows[2]).toMatchObject({ link: 'https://acme.pl/offer?x=1', ip: '127.0.0.1' });
});

describe('time windows and paging', () => {
	// 60 events one second apart, an hour ago: ok, open and click lists of the same shape.
	const start = nowSeconds() - 3600;
	beforeEach(() => {
		for (const status of ['ok', 'open', 'click']) sandbox.addBulkEvents({ count: 60, status, fromUnix: start, toUnix: start + 59 });
	});

	it.each([
		['smtp_events/ok', `from_time=${start + 10}&to_time=${start + 19}`],
		['smtp_events/ok', `from_time=${start}&filter=${encodeURIComponent(`created_at.from::${start + 10}|created_at.to::${start + 19}`)}`],
		['opens', `filter=${encodeURIComponent(`created_at.from::${start + 10}|created_at.to::${start + 19}`)}`],
		['clicks', `filter[created_at][from]=${start + 10}&filter[created_at][to]=${start + 19}`],
	])('%s?%s keeps only the window, both sort orders', async (path, query) => {
		const ascending = await client.legacy(`${path}?${query}&sort=created_at`);
		const descending = await client.legacy(`${path}?${query}&sort=-created_at`);
		expect(ascending.body.number_of_elements).toBe(10);
		expect(ascending.body.data.map((row: any) => row.status_time)).toEqual(Array.from({ length: 10 }, (_, i) => start + 10 + i));
		expect(descending.body.data).toEqual([...ascending.body.data].reverse());
	});

	it('filters by msgid, to and SMTP account, and refuses a missing from_time or a bad time', async () => {
		const [first] = (await client.legacy(`opens?limit=1`)).body.data;
		expect((await client.legacy(`opens?filter=${encodeURIComponent(`msgid::${first.msgid}`)}`)).body.data).toEqual([first]);
		expect((await client.legacy(`opens?filter=${encodeURIComponent(`to::${first.to}|created_at.from::${start}`)}`)).body.data).toEqual([first]);
		sandbox.addBulkEvents({ count: 5, status: 'ok', fromUnix: start, toUnix: start + 4, smtpAccount: '2.sandbox.smtp' });
		const other = await client.legacy(`smtp_events/ok?from_time=${start}&filter=${encodeURIComponent('account::2.sandbox.smtp')}`);
		expect(other.body.number_of_elements).toBe(5);
		expect(other.body.data.every((row: any) => row.account === '2.sandbox.smtp')).toBe(true);
		expect((await client.legacy(`smtp_events/ok?from_time=${start}&filter=${encodeURIComponent('account::1.sandbox.smtp|account::2.sandbox.smtp')}`)).status).toBe(404);
		expect((await client.legacy('smtp_events/ok')).status).toBe(400);
		expect((await client.legacy(`clicks?filter=${encodeURIComponent('created_at.from::soon')}`)).status).toBe(400);
		expect((await client.legacy(`smtp_events/ok?from_time=${start}&to_time=soon`)).status).toBe(400);
	});

	it.each(['created_at', '-created_at'])('pages a fixed window with sort=%s: no row twice or missing while newer events arrive', async (sort) => {
		let later = 0;
		const addNewerEvents = async () => {
			later++;
			sandbox.addBulkEvents({ count: 3, status: 'ok', fromUnix: start + 100 + later, toUnix: start + 100 + later });
			await client.send(`late${later}@example.com`, `late-${later}@acme.pl`);
		};
		const { rows } = await client.readAll('smtp_events/ok', { from_time: start, to_time: start + 59, sort }, 7, addNewerEvents);
		expect(later).toBeGreaterThan(5);
		expect(rows).toHaveLength(60);
		expect(new Set(rows.map((row) => row.msgid)).size).toBe(60);
		const times = rows.map((row) => row.status_time);
		expect(times).toEqual([...times].sort((a, b) => (sort === 'created_at' ? a - b : b - a)));
	});

	it('pages an open-ended window oldest first: newer events only add rows at the end', async () => {
		let later = 0;
		const { rows } = await client.readAll('opens', { filter: `created_at.from::${start}`, sort: 'created_at' }, 8, async () => {
			if (later < 3) sandbox.addBulkEvents({ count: 2, status: 'open', fromUnix: start + 1000 + ++later, toUnix: start + 1000 + later });
		});
		expect(rows).toHaveLength(66);
		expect(new Set(rows.map((row) => row.id)).size).toBe(66);
		expect(rows.slice(60).every((row) => row.status_time > start + 1000)).toBe(true);
	});

	it('keeps one order for events of the same second, in both directions', async () => {
		sandbox.addBulkEvents({ count: 20, status: 'feedback', fromUnix: start, toUnix: start + 1 });
		const ascending = await client.readAll('smtp_events/feedback', { from_time: start, sort: 'created_at' }, 3);
		const descending = await client.readAll('smtp_events/feedback', { from_time: start, sort: '-created_at' }, 3);
		expect(ascending.rows).toHaveLength(20);
		expect(new Set(ascending.rows.map((row) => row.id)).size).toBe(20);
		expect(descending.rows).toEqual([...ascending.rows].reverse());
	});
});
