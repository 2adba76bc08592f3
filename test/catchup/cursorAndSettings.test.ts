/** Pure parts: the cursor arithmetic, the stored state, the parameters. */
import {
	CURSOR_STATE_KEY,
	advanceCursor,
	readCursorState,
	streamWindow,
	writeCursorState,
} from '../../nodes/EmailLabsCatchUpTrigger/pipeline/cursor';
import { DEFAULTS, parseStartFrom, readSettings } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/settings';
import { EVENT_STREAMS, pageQuery } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/streams';
import { catchUpProperties } from '../../nodes/EmailLabsCatchUpTrigger/description';

describe('cursor', () => {
	it('a first window starts at the floor; later ones at the cursor minus the overlap, never before the floor', () => {
		expect(streamWindow({ floor: 1000 }, 5000, 600)).toEqual({ from: 1000, to: 5000 });
		expect(streamWindow({ floor: 1000, through: 4000 }, 5000, 600)).toEqual({ from: 3400, to: 5000 });
		expect(streamWindow({ floor: 3800, through: 4000 }, 5000, 600)).toEqual({ from: 3800, to: 5000 });
		// Overlap 0 still re-reads the cursor's own second (an exclusive lower bound would lose it).
		expect(streamWindow({ floor: 0, through: 4000 }, 5000, 0)).toEqual({ from: 3999, to: 5000 });
	});

	it('moves to the window end when caught up, to the last handled row when cut short, never back or ahead', () => {
		const window = { from: 3400, to: 5000 };
		expect(advanceCursor({ floor: 0, through: 4000 }, window, { caughtUp: true, inOrder: true })).toEqual({ floor: 0, through: 5000 });
		expect(advanceCursor({ floor: 0, through: 4000 }, window, { caughtUp: false, inOrder: true, handledThrough: 4500 })).toEqual({ floor: 0, through: 4500 });
		expect(advanceCursor({ floor: 0, through: 4000 }, window, { caughtUp: false, inOrder: true, handledThrough: 3500 })).toEqual({ floor: 0, through: 4000 });
		expect(advanceCursor({ floor: 0 }, window, { caughtUp: false, inOrder: true, handledThrough: 9999 })).toEqual({ floor: 0, through: 5000 });
		expect(advanceCursor({ floor: 0 }, window, { caughtUp: false, inOrder: true })).toEqual({ floor: 0 });
		// Rows out of order: only a caught-up stream may move.
		expect(advanceCursor({ floor: 0, through: 4000 }, window, { caughtUp: false, inOrder: false, handledThrough: 4800 })).toEqual({ floor: 0, through: 4000 });
	});

	it('keeps its state as plain JSON in the node data; another Start From starts afresh', () => {
		const nodeData: Record<string, unknown> = {};
		writeCursorState(nodeData as never, { version: 1, startFrom: '', streams: { opens: { floor: 1, through: 2 }, clicks: { floor: 1 } } });
		expect(JSON.parse(JSON.stringify(nodeData))).toEqual({ [CURSOR_STATE_KEY]: { version: 1, startFrom: '', streams: { opens: { floor: 1, through: 2 }, clicks: { floor: 1 } } } });
		expect(readCursorState(nodeData as never, '').streams).toEqual({ opens: { floor: 1, through: 2 }, clicks: { floor: 1 } });
		expect(readCursorState(nodeData as never, '2026-01-01T00:00:00').streams).toEqual({});
		expect(readCursorState({ [CURSOR_STATE_KEY]: { version: 1, startFrom: '', streams: { opens: { floor: 'x' } } } } as never, '').streams).toEqual({});
	});
});

describe('settings', () => {
	const reader = (values: Record<string, unknown>) => (name: string, fallback: unknown) => (name in values ? values[name] : fallback);

	it('reads Start From without a zone in the workflow’s time zone, with a zone as given', () => {
		expect(parseStartFrom('2026-01-15T10:00:00', 'UTC')).toBe(Date.UTC(2026, 0, 15, 10) / 1000);
		expect(parseStartFrom('2026-01-15T10:00:00', 'Europe/Warsaw')).toBe(Date.UTC(2026, 0, 15, 9) / 1000);
		expect(parseStartFrom('2026-07-15T10:00:00', 'Europe/Warsaw')).toBe(Date.UTC(2026, 6, 15, 8) / 1000);
		expect(parseStartFrom('2026-07-15T10:00:00Z', 'Europe/Warsaw')).toBe(Date.UTC(2026, 6, 15, 10) / 1000);
		expect(parseStartFrom({ toMillis: () => 1_700_000_000_500 }, 'UTC')).toBe(1_700_000_000);
		expect(parseStartFrom(1_700_000_000, 'UTC')).toBe(1_700_000_000);
		expect(parseStartFrom('', 'UTC')).toBeUndefined();
		expect(parseStartFrom('soon', 'UTC')).toBe('invalid');
	});

	it('fills defaults and refuses what EmailLabs cannot list or what is out of range', () => {
		const result = readSettings(reader({ events: ['opened', 'hardBounce'] }), 'UTC', '');
		expect(result).toEqual({
			ok: true,
			settings: {
				streams: [EVENT_STREAMS.find((s) => s.event === 'hardBounce'), EVENT_STREAMS.find((s) => s.event === 'opened')],
				startFrom: '',
				overlapSeconds: 600,
				maxEvents: 1000,
				pageSize: 500,
			},
		});
		expect(readSettings(reader({ events: ['deferred'] }), 'UTC', '')).toMatchObject({ ok: false, message: expect.stringContaining('deferred') });
		expect(readSettings(reader({ events: [] }), 'UTC', '')).toMatchObject({ ok: false });
		expect(readSettings(reader({ events: ['opened'], options: { pageSize: 501 } }), 'UTC', '')).toMatchObject({ ok: false, message: expect.stringContaining('Page Size') });
		expect(readSettings(reader({ events: ['opened'], startFrom: 'tomorrow-ish' }), 'UTC', 'x')).toMatchObject({ ok: false, message: expect.stringContaining('Start From') });
	});

	it('remembers Start From as written, so an expression does not restart the cursors at every poll', () => {
		const result = readSettings(reader({ events: ['opened'], startFrom: '2026-01-01T00:00:00' }), 'UTC', '={{ $now.minus(1, "day") }}');
		expect(result).toMatchObject({ ok: true, settings: { startFrom: '={{ $now.minus(1, "day") }}', startFromSeconds: Date.UTC(2026, 0, 1) / 1000 } });
	});

	it('the description’s defaults are the settings’ defaults', () => {
		const options = catchUpProperties.find((property) => property.name === 'options')!.options as Array<{ name: string; default: unknown }>;
		const byName = Object.fromEntries(options.map((option) => [option.name, option.default]));
		expect(byName).toMatchObject({ overlapMinutes: DEFAULTS.overlapMinutes, maxEventsPerPoll: DEFAULTS.maxEventsPerPoll, pageSize: DEFAULTS.pageSize });
	});
});

describe('page queries', () => {
	const stream = (event: string) => EVENT_STREAMS.find((entry) => entry.event === event)!;

	it('smtp_events: from_time / to_time; opens and clicks: the created_at filter; oldest first, row offset', () => {
		expect(pageQuery({ stream: stream('hardBounce'), from: 10, to: 20, offset: 500, limit: 500, smtpAccount: '1.acme.smtp' })).toEqual({
			from_time: 10,
			to_time: 20,
			filter: 'account::1.acme.smtp',
			sort: 'created_at',
			offset: 500,
			limit: 500,
		});
		expect(pageQuery({ stream: stream('clicked'), from: 10, to: 20, offset: 0, limit: 5, newestFirst: true })).toEqual({
			filter: 'created_at.from::10|created_at.to::20',
			sort: '-created_at',
			offset: 0,
			limit: 5,
		});
	});
});
