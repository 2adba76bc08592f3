/** The fetch loop against scripted pages: turns, bounds, what counts as handled. */
import type { IDataObject } from 'n8n-workflow';

import { collectEvents, type StreamPlan } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/collect';
import { mapApiRow } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/mapRow';
import { eventKey } from '../../nodes/EmailLabsTrigger/pipeline/normaliseEvent';
import { EVENT_STREAMS, type PageRequestSpec, type PageSource } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/streams';

const stream = (event: string) => EVENT_STREAMS.find((entry) => entry.event === event)!;
const row = (id: string, time: number, extra: IDataObject = {}): IDataObject => ({ msgid: id, to: `${id}@example.com`, created_at: time, account: '1.acme.smtp', ...extra });

/** Serves each path's rows by offset/limit, like EmailLabs, and records the requests. */
function scripted(rows: Record<string, IDataObject[]>) {
	const requests: PageRequestSpec[] = [];
	const source: PageSource = async (spec) => {
		requests.push(spec);
		const all = rows[spec.stream.path] ?? [];
		return { rows: all.slice(spec.offset, spec.offset + spec.limit), requestId: `r${requests.length}`, total: all.length };
	};
	return { source, requests };
}

const plan = (event: string, from = 0, to = 10_000): StreamPlan => ({ stream: stream(event), window: { from, to } });
const limits = (maxEvents = 1000, pageSize = 2) => ({ maxEvents, pageSize, outOfTime: () => false });
const nothingSeen = { has: () => false };

describe('collectEvents', () => {
	it('takes turns between streams page by page and reads each to its end (a full page at the total is the end)', async () => {
		const { source, requests } = scripted({
			'smtp_events/hardbounce': [row('a', 1), row('b', 2), row('c', 3)],
			opens: [row('d', 1), row('e', 5)],
		});
		const result = await collectEvents(source, [plan('hardBounce'), plan('opened')], nothingSeen, limits());
		expect(requests.map((r) => `${r.stream.path}@${r.offset}`)).toEqual(['smtp_events/hardbounce@0', 'opens@0', 'smtp_events/hardbounce@2']);
		expect(result.events.map((e) => e.event.messageId)).toEqual(['a', 'b', 'd', 'e', 'c']);
		expect(Object.fromEntries(result.outcomes)).toEqual({
			'smtp_events/hardbounce': { caughtUp: true, inOrder: true, handledThrough: 3 },
			opens: { caughtUp: true, inOrder: true, handledThrough: 5 },
		});
		expect(result.stats).toMatchObject({ pages: 3, rows: 5, duplicates: 0 });
		expect(result.stats.stoppedBy).toBeUndefined();
	});

	it('stops at Max Events at the first new row beyond it; that stream is handled up to the last row taken', async () => {
		const { source, requests } = scripted({ 'smtp_events/ok': [row('a', 1), row('b', 2), row('c', 2), row('d', 2), row('e', 3)] });
		const result = await collectEvents(source, [plan('delivered')], nothingSeen, limits(3));
		expect(result.events.map((e) => e.event.messageId)).toEqual(['a', 'b', 'c']);
		expect(result.outcomes.get('smtp_events/ok')).toEqual({ caughtUp: false, inOrder: true, handledThrough: 2 });
		expect(result.stats).toMatchObject({ stoppedBy: 'maxEvents', pages: 2 });
		// The third page was asked for ahead, while the second was processed, and is not used.
		expect(requests.map((r) => r.offset)).toEqual([0, 2, 4]);
	});

	it('asks for one page ahead; its failure fails the poll only when that page is needed', async () => {
		const rows = [row('a', 1), row('b', 2), row('c', 3)];
		let inFlight = 0;
		let most = 0;
		const failing = (failAt: number): PageSource => async (spec) => {
			most = Math.max(most, ++inFlight);
			await new Promise((resolve) => setTimeout(resolve, 5));
			inFlight--;
			if (spec.offset === failAt) throw new Error(`page at ${failAt} failed`);
			return { rows: rows.slice(spec.offset, spec.offset + spec.limit), requestId: null };
		};
		// Needed: the error surfaces.
		await expect(collectEvents(failing(2), [plan('delivered')], nothingSeen, limits(10))).rejects.toThrow('page at 2 failed');
		// Not needed (Max Events reached on the first page): ignored.
		const result = await collectEvents(failing(2), [plan('delivered')], nothingSeen, limits(2));
		expect(result.events.map((e) => e.event.messageId)).toEqual(['a', 'b']);
		expect(most).toBe(1);
	});

	it('skips keys seen before or twice in one poll; they still count as handled', async () => {
		const seenRow = row('seen', 4);
		const { source } = scripted({ 'smtp_events/ok': [row('a', 1), row('a', 1), seenRow, row('b', 5)] });
		const seenKey = eventKey(mapApiRow(seenRow, stream('delivered'), null));
		const result = await collectEvents(source, [plan('delivered')], { has: (key) => key === seenKey }, limits(1, 10));
		expect(result.events.map((e) => e.event.messageId)).toEqual(['a']);
		// Max Events 1 is reached with "a"; the copy of "a" and the seen row are handled, "b" is next time's.
		expect(result.outcomes.get('smtp_events/ok')).toEqual({ caughtUp: false, inOrder: true, handledThrough: 4 });
		expect(result.stats).toMatchObject({ duplicates: 2, stoppedBy: 'maxEvents' });
	});

	it('drops rows of another SMTP account and rows without a key; notices rows out of order', async () => {
		const { source } = scripted({ clicks: [row('a', 5, { link: 'https://x' }), row('b', 3, { account: '2.acme.smtp' }), { created_at: 4 }, row('c', 6)] });
		const result = await collectEvents(source, [plan('clicked')], nothingSeen, { ...limits(10, 10), smtpAccount: '1.ACME.smtp' });
		expect(result.events.map((e) => e.event.messageId)).toEqual(['a', 'c']);
		expect(result.stats).toMatchObject({ otherAccount: 1, unreadable: 1 });
		expect(result.outcomes.get('clicks')).toMatchObject({ caughtUp: true, inOrder: false });
	});

	it('does not ask for a window that has not begun (Start From ahead), and stops when out of time', async () => {
		const { source, requests } = scripted({ opens: [row('a', 1)] });
		const ahead = await collectEvents(source, [plan('opened', 500, 400)], nothingSeen, limits());
		expect(requests).toHaveLength(0);
		expect(ahead.outcomes.get('opens')).toEqual({ caughtUp: true, inOrder: true });
		const late = await collectEvents(source, [plan('opened')], nothingSeen, { ...limits(), outOfTime: () => true });
		expect(late).toMatchObject({ events: [], stats: { stoppedBy: 'time', pages: 0 } });
		expect(late.outcomes.get('opens')).toEqual({ caughtUp: false, inOrder: true });
	});
});
