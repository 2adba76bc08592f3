/**
 * The real EmailLabs Catch-Up Trigger polled through n8n-core's PollTriggerExecutor (harness/runPoll.ts)
 * against the sandbox in this process: windows, cursors, overlap, Max Events per Poll.
 */
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { catchUpHarness, cursors, events, listCalls, messageIds, nowSeconds, SANDBOX_OPTIONS, wallTime } from './support';

let sandbox: Sandbox;
beforeAll(async () => (sandbox = await startSandbox(SANDBOX_OPTIONS)));
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

/** Message ids of a bulk batch (`bulk-<batch>-<i>@…`, i = 0 … count − 1). */
function bulkIds(result: { firstMessageId: string; count: number }): string[] {
	const prefix = result.firstMessageId.replace(/-0@.*$/, '');
	const domain = result.firstMessageId.slice(result.firstMessageId.indexOf('@'));
	return Array.from({ length: result.count }, (_, index) => `${prefix}-${index}${domain}`);
}

const queryOf = (sandboxCall: { query: Record<string, unknown> }) => ({
	from: Number(sandboxCall.query.from_time),
	to: Number(sandboxCall.query.to_time),
});

describe('EmailLabs Catch-Up Trigger → sandbox, through n8n-core', () => {
	it('first poll: reads the hour before it (no Start From), hands on each new event once, oldest first', async () => {
		const now = nowSeconds();
		sandbox.addBulkEvents({ count: 3, status: 'hardbounce', fromUnix: now - 7200, toUnix: now - 5400 });
		const recent = bulkIds(sandbox.addBulkEvents({ count: 4, status: 'hardbounce', fromUnix: now - 3000, toUnix: now - 60 }));
		const harness = catchUpHarness(sandbox, { events: ['hardBounce'] });

		const first = await harness.poll();
		expect(first.error).toBeUndefined();
		expect(messageIds(first.items)).toEqual(recent);
		expect(events(first.items).every((event) => event.source === 'api' && event.event === 'hardBounce')).toBe(true);
		const [call] = listCalls(sandbox, 'smtp_events/hardbounce');
		expect(queryOf(call).from).toBeGreaterThanOrEqual(now - 3600);
		expect(queryOf(call).from).toBeLessThanOrEqual(now - 3600 + 2);
		expect(call.query).toMatchObject({ sort: 'created_at', offset: '0', limit: '500' });
		// Caught up: the cursor is the end of the window read.
		expect(cursors(harness)).toEqual({ 'smtp_events/hardbounce': queryOf(call).to });

		const second = await harness.poll();
		expect(second).toMatchObject({ items: null, cursorCommitted: true });
		const again = listCalls(sandbox, 'smtp_events/hardbounce')[1];
		expect(queryOf(again).from).toBe(queryOf(call).to - 600);
	});

	it('Start From sets the first window (in the workflow time zone); another Start From starts the cursors again', async () => {
		const now = nowSeconds();
		const old = bulkIds(sandbox.addBulkEvents({ count: 2, status: 'open', fromUnix: now - 3 * 3600, toUnix: now - 2 * 3600 }));
		const zone = 'Europe/Warsaw';
		const harness = catchUpHarness(sandbox, { events: ['opened'], startFrom: wallTime(now - 4 * 3600, zone) }, undefined, { timezone: zone });

		const first = await harness.poll();
		expect(messageIds(first.items)).toEqual(old);
		expect(listCalls(sandbox, 'opens')[0].query.filter).toBe(`created_at.from::${now - 4 * 3600}|created_at.to::${cursors(harness).opens}`);

		harness.setParameters({ events: ['opened'], startFrom: wallTime(now - 5 * 3600, zone) });
		const restarted = await harness.poll();
		expect(restarted.items).toBeNull(); // the same events again: de-duplication drops them
		expect(listCalls(sandbox, 'opens')[1].query.filter).toMatch(new RegExp(`^created_at.from::${now - 5 * 3600}\\|`));
	});

	it('re-reads the overlap and drops what it handed on; a row EmailLabs lists late inside the overlap is handed on', async () => {
		const now = nowSeconds();
		const firstBatch = bulkIds(sandbox.addBulkEvents({ count: 5, status: 'ok', fromUnix: now - 300, toUnix: now - 10 }));
		const harness = catchUpHarness(sandbox, { events: ['delivered'], options: { overlapMinutes: 10 } });
		expect(messageIds((await harness.poll()).items)).toEqual(firstBatch);
		const cursor = cursors(harness)['smtp_events/ok']!;

		// Listed only now, but dated before the cursor: inside the 10-minute overlap.
		const late = bulkIds(sandbox.addBulkEvents({ count: 2, status: 'ok', fromUnix: cursor - 240, toUnix: cursor - 200 }));
		const second = await harness.poll();
		expect(messageIds(second.items)).toEqual(late);
		expect(queryOf(listCalls(sandbox, 'smtp_events/ok')[1]).from).toBe(cursor - 600);
	});

	it('Max Events per Poll: the rest follows over the next polls in order, none skipped or repeated, ties at the cut included', async () => {
		const now = nowSeconds();
		// 25 delivered events, 5 per second, so most cuts fall inside a second; plus 4 opens.
		const delivered = bulkIds(sandbox.addBulkEvents({ count: 25, status: 'ok', fromUnix: now - 104, toUnix: now - 100 }));
		const opened = bulkIds(sandbox.addBulkEvents({ count: 4, status: 'open', fromUnix: now - 102, toUnix: now - 99 }));
		const harness = catchUpHarness(sandbox, { events: ['delivered', 'opened'], options: { maxEventsPerPoll: 7, pageSize: 3 } });

		const handed: string[] = [];
		const perPoll: number[] = [];
		for (let poll = 0; poll < 10; poll++) {
			const outcome = await harness.poll();
			expect(outcome.error).toBeUndefined();
			if (outcome.items === null) break;
			perPoll.push(outcome.items.length);
			handed.push(...messageIds(outcome.items));
			if (poll === 0) {
				// Cut short: the cursor is the time of the last delivered event handed on.
				const lastDelivered = events(outcome.items).filter((event) => event.event === 'delivered').pop()!;
				expect(cursors(harness)['smtp_events/ok']).toBe(lastDelivered.timestamp);
			}
		}
		expect(perPoll).toEqual([7, 7, 7, 7, 1]);
		expect(new Set(handed).size).toBe(handed.length);
		expect([...handed].sort()).toEqual([...delivered, ...opened].sort());
		// Within each stream, oldest first across the polls.
		expect(handed.filter((id) => delivered.includes(id))).toEqual(delivered);
		expect(handed.filter((id) => opened.includes(id))).toEqual(opened);
	});

	it('SMTP Account: only that account’s events (EmailLabs filter, and checked on each row)', async () => {
		const now = nowSeconds();
		sandbox.addBulkEvents({ count: 3, status: 'feedback', fromUnix: now - 60, toUnix: now - 30, smtpAccount: '1.sandbox.smtp' });
		const second = bulkIds(sandbox.addBulkEvents({ count: 2, status: 'feedback', fromUnix: now - 60, toUnix: now - 30, smtpAccount: '2.sandbox.smtp' }));
		const harness = catchUpHarness(sandbox, { events: ['spamComplaint'], options: { smtpAccount: '2.sandbox.smtp' } });
		const outcome = await harness.poll();
		expect(messageIds(outcome.items)).toEqual(second);
		expect(events(outcome.items).map((event) => [event.event, event.status, event.smtpAccount])).toEqual([
			['spamComplaint', 'feedback', '2.sandbox.smtp'],
			['spamComplaint', 'feedback', '2.sandbox.smtp'],
		]);
		expect(listCalls(sandbox, 'smtp_events/feedback')[0].query.filter).toBe('account::2.sandbox.smtp');
	});
});
