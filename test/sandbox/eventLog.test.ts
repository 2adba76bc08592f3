/** The time-sorted event store behind the catch-up lists: order, merge, forgetting, and page cost. */
import { EventLog } from '../../sandbox/eventLog';
import { listEvents } from '../../sandbox/eventLists';
import type { SandboxEvent } from '../../sandbox/server';

const T0 = 1_700_000_000;
const event = (id: number, statusTime: number, status = 'ok', smtpAccount = '1.sandbox.smtp'): SandboxEvent => ({
	id,
	messageId: `m${id}@x`,
	email: `r${id}@x.pl`,
	toName: '',
	from: { email: 'shop@x.pl', name: '' },
	subject: 's',
	tags: [],
	smtpAccount,
	status,
	statusTime,
	statusDesc: '',
	injectedTime: statusTime,
});
const ids = (events: readonly SandboxEvent[]) => events.map((entry) => entry.id);

it('keeps events sorted by time, then id, overall, per status and per account', () => {
	const log = new EventLog();
	log.add(event(1, T0 + 10));
	log.add(event(2, T0 + 5, 'open'));
	log.add(event(3, T0 + 10, 'ok', '2.sandbox.smtp'));
	log.addMany([event(5, T0 + 7), event(4, T0 + 20), event(6, T0 + 1, 'open')]);
	log.add(event(7, T0 + 7));
	expect(ids(log.all)).toEqual([6, 2, 5, 7, 1, 3, 4]);
	expect(ids(log.withStatus('ok'))).toEqual([5, 7, 1, 3, 4]);
	expect(ids(log.withStatus('open'))).toEqual([6, 2]);
	expect(ids(log.withStatus('ok', '2.SANDBOX.smtp'))).toEqual([3]);
	expect(ids(log.withStatus('track'))).toEqual([]);

	const all = log.all;
	expect(log.forgetBefore(T0 + 7)).toBe(2);
	expect(ids(log.all)).toEqual([5, 7, 1, 3, 4]);
	expect(ids(log.withStatus('open'))).toEqual([]);
	expect(log.all).toBe(all);
	log.clear();
	expect(all).toEqual([]);
});

it('reads only the rows of the page asked for: paging is not quadratic', () => {
	const log = new EventLog();
	const count = 100_000;
	log.addMany(Array.from({ length: count }, (_, index) => event(index + 1, T0 + Math.floor(index / 3))));
	// Count the element reads of the list a page is cut from.
	let reads = 0;
	const counted = new Proxy(log.withStatus('ok'), {
		get: (target, key, receiver) => {
			if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
			return Reflect.get(target, key, receiver);
		},
	});
	const countingLog = { withStatus: () => counted } as unknown as EventLog;
	for (const [offset, sort] of [[0, 'created_at'], [50_000, '-created_at'], [99_500, 'created_at']] as const) {
		reads = 0;
		const reply = listEvents('r', countingLog, 'ok', { offset, limit: 500, sort }, { from: T0, to: T0 + count });
		expect((reply.body as { data: unknown[] }).data).toHaveLength(500);
		// The page itself plus two binary searches.
		expect(reads).toBeLessThan(500 + 2 * 40);
	}
});
