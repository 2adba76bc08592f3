/** The API row → NormalisedEvent mapping (pure), and key agreement with the webhook trigger. */
import { mapApiRow } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/mapRow';
import { EVENT_STREAMS, type EventStream } from '../../nodes/EmailLabsCatchUpTrigger/pipeline/streams';
import { EventNormaliser, eventKey, type NormalisedEvent } from '../../nodes/EmailLabsTrigger/pipeline/normaliseEvent';
import { EVENT_DEFINITIONS } from '../../nodes/EmailLabsTrigger/pipeline/events';
import { legacyEventRow } from '../../sandbox/eventLists';
import { buildEvent, toWebhookEvent } from '../../sandbox/events';
import type { StoredMessage } from '../../sandbox/server';

const stream = (event: string): EventStream => EVENT_STREAMS.find((entry) => entry.event === event)!;

/** An item without what tells where it came from. */
function withoutOrigin(event: NormalisedEvent): Partial<NormalisedEvent> {
	const copy: Partial<NormalisedEvent> = { ...event };
	delete copy.raw;
	delete copy.requestId;
	delete copy.source;
	return copy;
}

const webhookNormaliser = () => new EventNormaliser({ requestId: null, isRetry: false, legacy: false });

const STATUS_ROW = {
	id: 7,
	msgid: '<abc-1@acme.pl>',
	account: '1.acme.smtp',
	to: 'jan@example.com',
	to_name: 'Jan',
	from: 'shop@acme.pl',
	from_name: 'Acme',
	subject: 'Order 1',
	tags: ['orders', 'pl'],
	status: 'hardbounce',
	description: '550 5.1.1 user unknown',
	created_at: '2026-05-01 08:30:15',
};

describe('mapApiRow', () => {
	it('maps a smtp_events row to the webhook trigger’s NormalisedEvent shape, with source "api"', () => {
		const event = mapApiRow(STATUS_ROW, stream('hardBounce'), 'req-1');
		expect(event).toEqual({
			event: 'hardBounce',
			status: 'hardbounce',
			email: 'jan@example.com',
			recipientName: 'Jan',
			messageId: 'abc-1@acme.pl',
			smtpAccount: '1.acme.smtp',
			subject: 'Order 1',
			from: 'shop@acme.pl',
			fromName: 'Acme',
			tags: ['orders', 'pl'],
			occurredAt: '2026-05-01T08:30:15.000Z',
			timestamp: Date.UTC(2026, 4, 1, 8, 30, 15) / 1000,
			description: '550 5.1.1 user unknown',
			bounceType: 'hard',
			url: null,
			ip: null,
			userAgent: null,
			requestId: 'req-1',
			isRetry: false,
			source: 'api',
			raw: STATUS_ROW,
		});
	});

	it('has exactly the fields of a webhook event (same names, same order)', () => {
		const webhook = webhookNormaliser().normalise({ status: 'ok', statusTime: 1, to: { email: 'a@b.pl', messageId: 'x@y' } })!;
		expect(Object.keys(mapApiRow(STATUS_ROW, stream('delivered'), null))).toEqual(Object.keys(webhook));
	});

	it('takes the status from the list it read (opens = open, clicks = track) and the click URL from `link`', () => {
		const row = { msgid: 'm@x', to: 'a@b.pl', user: '2.acme.smtp', link: 'https://acme.pl/p', ip: '10.0.0.1', os: 'Windows', created_at: '2026-05-01 08:30:15' };
		const open = mapApiRow(row, stream('opened'), null);
		const click = mapApiRow(row, stream('clicked'), null);
		expect(open).toMatchObject({ event: 'opened', status: 'open', url: null, smtpAccount: '2.acme.smtp', ip: '10.0.0.1', userAgent: 'Windows' });
		expect(click).toMatchObject({ event: 'clicked', status: 'track', url: 'https://acme.pl/p' });
	});

	it('reads Unix seconds and comma-separated tags; strips angle brackets only in pairs, like the webhook', () => {
		const event = mapApiRow({ message_id: '<half@x', created_at: 1777624215, tags: 'a, b,,c' }, stream('dropped'), null);
		expect(event).toMatchObject({ messageId: '<half@x', timestamp: 1777624215, tags: ['a', 'b', 'c'], bounceType: null });
		const webhook = webhookNormaliser().normalise({ status: 'dropped', statusTime: 1777624215, to: { messageId: '<half@x' } })!;
		expect(eventKey(event)).toBe(eventKey(webhook));
	});

	it('marks a row without a readable time: it has no key, so it is never handed on', () => {
		const event = mapApiRow({ msgid: 'm@x', created_at: 'yesterday' }, stream('hardBounce'), null);
		expect(event).toMatchObject({ timestamp: null, occurredAt: null, problem: expect.stringContaining('created_at') });
		expect(eventKey(event)).toBeUndefined();
	});

	it('offers only events the webhook trigger defines, each from its own list', () => {
		const known = new Set(EVENT_DEFINITIONS.map((definition) => definition.event));
		for (const entry of EVENT_STREAMS) expect(known.has(entry.event)).toBe(true);
		expect(new Set(EVENT_STREAMS.map((entry) => entry.path)).size).toBe(EVENT_STREAMS.length);
		expect(EVENT_STREAMS.map((entry) => entry.event)).not.toContain('deferred');
	});
});

describe('the same event read from the API and received by webhook has the same key', () => {
	const message: StoredMessage = {
		messageId: 'key-check-1@acme.pl',
		api: 'legacy',
		endpoint: 'new_sendmail',
		requestId: 'r',
		smtpAccount: '1.sandbox.smtp',
		from: { email: 'shop@acme.pl', name: 'Acme' },
		to: { email: 'jan@example.com', name: 'Jan' },
		cc: [],
		bcc: [],
		subject: 'Hello',
		vars: {},
		tags: ['t'],
		headers: {},
		attachments: [],
		status: 'injected',
		statuses: [],
		createdAt: '2026-05-01 08:00:00',
		createdTime: 1777622400,
	} as unknown as StoredMessage;

	it.each(EVENT_STREAMS.filter((entry) => entry.event !== 'injected').map((entry) => [entry.event, entry] as const))('%s', (_name, entry) => {
		// The sandbox builds the webhook body and the list row from one event.
		const sandboxEvent = buildEvent(1, message, entry.status, 1777624215, { url: 'https://acme.pl/offer?id=7' });
		const fromWebhook = webhookNormaliser().normalise(toWebhookEvent(sandboxEvent) as unknown as Record<string, unknown>) as NormalisedEvent;
		const fromApi = mapApiRow(legacyEventRow(sandboxEvent), entry, null);
		expect(fromWebhook.event).toBe(entry.event);
		expect(eventKey(fromApi)).toEqual(expect.any(Number));
		expect(eventKey(fromApi)).toBe(eventKey(fromWebhook));
		expect([fromApi.source, fromWebhook.source]).toEqual(['api', 'webhook']);
		// Beyond the key, both paths give the same item (raw body, request id and source aside).
		expect(withoutOrigin(fromApi)).toEqual(withoutOrigin(fromWebhook));
	});
});
