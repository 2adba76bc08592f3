import type { IDataObject } from 'n8n-workflow';

import { EVENT_DEFINITIONS } from '../../nodes/EmailLabsTrigger/pipeline/events';
import {
	emptySourceFields,
	eventFromStatus,
	eventKey,
	normaliseEvent,
	readAliasedFields,
	readNewPanelFields,
	type NormalisedEvent,
} from '../../nodes/EmailLabsTrigger/pipeline/normaliseEvent';
import { fingerprint } from '../../nodes/EmailLabsTrigger/pipeline/fingerprint';
import { newPanelEvent, STATUS_TIME } from './fixtures';

const context = { requestId: 'req-1', isRetry: false, legacy: false };
const legacyContext = { ...context, legacy: true };

describe('status mapping', () => {
	it.each([
		['ok', 'delivered'],
		['softbounce', 'softBounce'],
		['hardbounce', 'hardBounce'],
		['spambounce', 'spamBounce'],
		['dropped', 'dropped'],
		['deferred', 'deferred'],
		['open', 'opened'],
		['track', 'clicked'],
		['feedback', 'spamComplaint'],
		['injected', 'injected'],
		['unsubscribe', 'unsubscribed'],
		['one-click unsubscribe', 'unsubscribed'],
		['HARDBOUNCE', 'hardBounce'],
		['Soft_Bounce', 'softBounce'],
		['spam_complaint', 'spamComplaint'],
		['bounced-somehow', 'other'],
		['', 'other'],
		[undefined, 'other'],
		['constructor', 'other'],
	])('%s -> %s', (status, event) => {
		expect(eventFromStatus(status)).toBe(event);
	});
});

describe('normaliseEvent: new panel', () => {
	it('maps every documented field', () => {
		const raw = newPanelEvent({ tags: ['a', 'b'] });
		expect(normaliseEvent(raw, context)).toEqual<NormalisedEvent>({
			event: 'hardBounce',
			status: 'hardbounce',
			email: 'customer0@example.com',
			recipientName: 'Customer 0',
			messageId: 'msg-0@acme.example',
			smtpAccount: '1.acme.smtp',
			subject: 'Order 0',
			from: 'no-reply@acme.example',
			fromName: 'ACME',
			tags: ['a', 'b'],
			occurredAt: '2026-09-25T09:00:00.000Z',
			timestamp: STATUS_TIME,
			description: '550 5.1.1 user unknown',
			bounceType: 'hard',
			url: null,
			ip: null,
			userAgent: null,
			requestId: 'req-1',
			isRetry: false,
			source: 'webhook',
			raw: raw as IDataObject,
		});
	});

	it('keeps the original event object as raw, without copying', () => {
		const raw = newPanelEvent();
		expect(normaliseEvent(raw, context)!.raw).toBe(raw);
	});

	it('fills click details and the bounce type of each bounce', () => {
		const click = normaliseEvent(newPanelEvent({ status: 'track', url: 'https://x.example/a', ip: '198.51.100.1', userAgent: 'Mozilla/5.0' }), context)!;
		expect(click).toMatchObject({ event: 'clicked', url: 'https://x.example/a', ip: '198.51.100.1', userAgent: 'Mozilla/5.0', bounceType: null });
		expect(normaliseEvent(newPanelEvent({ status: 'softbounce' }), context)!.bounceType).toBe('soft');
		expect(normaliseEvent(newPanelEvent({ status: 'spambounce' }), context)!.bounceType).toBe('spam');
	});

	it('normalises times given as ms, numeric strings, ISO and SQL forms', () => {
		for (const statusTime of [STATUS_TIME * 1000, String(STATUS_TIME), '2026-09-25T11:00:00+02:00', '2026-09-25 09:00:00']) {
			expect(normaliseEvent(newPanelEvent({ statusTime }), context)).toMatchObject({ timestamp: STATUS_TIME, occurredAt: '2026-09-25T09:00:00.000Z' });
		}
		expect(normaliseEvent(newPanelEvent({ statusTime: 'garbage' }), context)).toMatchObject({ timestamp: null, occurredAt: null });
	});

	it('cleans up tags, empty strings and message ids without brackets', () => {
		const event = normaliseEvent(newPanelEvent({ tags: 'a, b,,c', statusDesc: '', to: { email: 'x@example.com', messageId: 'plain@id' } }), context)!;
		expect(event).toMatchObject({ tags: ['a', 'b', 'c'], description: null, messageId: 'plain@id', recipientName: null });
		expect(normaliseEvent(newPanelEvent({ tags: null }), context)!.tags).toEqual([]);
		expect(normaliseEvent(newPanelEvent({ tags: ['a', 1, null] }), context)!.tags).toEqual(['a', '1']);
	});

	it('returns undefined for an object that is not an event', () => {
		expect(normaliseEvent({ message: 'test' }, context)).toBeUndefined();
		expect(normaliseEvent({}, legacyContext)).toBeUndefined();
	});

	it('falls back to the alias table for a new-panel event without the documented names', () => {
		expect(normaliseEvent({ event: 'open', message_id: '<m@x>', email: 'r@example.com' }, context)).toMatchObject({
			event: 'opened',
			messageId: 'm@x',
			email: 'r@example.com',
		});
	});
});

describe('normaliseEvent: legacy Event API (field-name assumption)', () => {
	it('reads snake_case variants', () => {
		const raw = {
			event: 'track',
			message_id: '<legacy-1@acme>',
			to: 'legacy@example.com',
			account: '1.acme.smtp',
			created_at: '2026-09-25 09:00:00',
			desc: 'clicked',
			link: 'https://acme.example/x',
			ip: '203.0.113.4',
			user_agent: 'Thunderbird',
			from_name: 'ACME',
		};
		expect(normaliseEvent(raw, legacyContext)).toMatchObject({
			event: 'clicked',
			status: 'track',
			messageId: 'legacy-1@acme',
			email: 'legacy@example.com',
			smtpAccount: '1.acme.smtp',
			timestamp: STATUS_TIME,
			description: 'clicked',
			url: 'https://acme.example/x',
			ip: '203.0.113.4',
			userAgent: 'Thunderbird',
			fromName: 'ACME',
		});
	});

	it.each([
		[{ msgid: 'a' }, 'messageId', 'a'],
		[{ smtp_account: 's' }, 'smtpAccount', 's'],
		[{ time: STATUS_TIME }, 'timestamp', STATUS_TIME],
		[{ timestamp: String(STATUS_TIME) }, 'timestamp', STATUS_TIME],
		[{ description: 'd' }, 'description', 'd'],
		[{ reason: 'r' }, 'description', 'r'],
		[{ url: 'u' }, 'url', 'u'],
		[{ ua: 'x' }, 'userAgent', 'x'],
		[{ os: 'Linux' }, 'userAgent', 'Linux'],
		[{ email: 'e@x' }, 'email', 'e@x'],
	])('%j gives %s', (fields, output, value) => {
		expect(normaliseEvent({ status: 'ok', ...fields }, legacyContext)![output]).toEqual(value);
	});

	it('prefers the camelCase name when both are present', () => {
		expect(normaliseEvent({ status: 'ok', messageId: 'camel', message_id: 'snake' }, legacyContext)!.messageId).toBe('camel');
	});

	it('accepts the new-panel shape as well', () => {
		const raw = newPanelEvent();
		expect(normaliseEvent(raw, legacyContext)).toEqual(normaliseEvent(raw, context));
	});
});

describe('field readers stay in step', () => {
	it('the new-panel fast path reads exactly the first alias of each table entry', () => {
		const raw = newPanelEvent({ url: 'u', ip: 'i', userAgent: 'ua' });
		expect(readNewPanelFields(raw, emptySourceFields())).toEqual(readAliasedFields(raw, emptySourceFields()));
	});

	it('the event options cover each friendly event once', () => {
		const events = EVENT_DEFINITIONS.map((definition) => definition.event);
		expect(new Set(events).size).toBe(events.length);
		expect(events).toHaveLength(11);
	});
});

describe('eventKey', () => {
	const base = normaliseEvent(newPanelEvent(), context)!;

	it('is a stable number for message id + status + time', () => {
		const key = eventKey(base);
		expect(typeof key).toBe('number');
		expect(Number.isSafeInteger(key)).toBe(true);
		expect(eventKey(normaliseEvent(newPanelEvent(), context)!)).toBe(key);
		expect(key).toBe(fingerprint('msg-0@acme.example', 'hardbounce', STATUS_TIME, ''));
	});

	it('differs when any part differs, including the click URL', () => {
		const key = eventKey(base);
		expect(eventKey({ ...base, messageId: 'msg-1@acme.example' })).not.toBe(key);
		expect(eventKey({ ...base, status: 'softbounce' })).not.toBe(key);
		expect(eventKey({ ...base, timestamp: STATUS_TIME + 1 })).not.toBe(key);
		expect(eventKey({ ...base, url: 'https://a' })).not.toBe(eventKey({ ...base, url: 'https://b' }));
	});

	it('uses the recipient without a message id, and is undefined without identity or time', () => {
		expect(eventKey({ ...base, messageId: null })).toBe(fingerprint('customer0@example.com', 'hardbounce', STATUS_TIME, ''));
		expect(eventKey({ ...base, messageId: null, email: null })).toBeUndefined();
		expect(eventKey({ ...base, timestamp: null })).toBeUndefined();
	});

	it('has no collisions over 100,000 distinct keys', () => {
		const seen = new Set<number>();
		for (let i = 0; i < 100_000; i++) seen.add(fingerprint(`msg-${i}@acme.example`, 'ok', STATUS_TIME + (i % 7), ''));
		expect(seen.size).toBe(100_000);
		expect(fingerprint('ab', 'c', 1, '')).not.toBe(fingerprint('a', 'bc', 1, ''));
	});
});

describe('one alias table for both formats', () => {
	const context = { requestId: 'r', isRetry: false, legacy: false };

	it('a new-panel event with `to` as a string and `messageId` at the top level keeps both', () => {
		const event = normaliseEvent({ status: 'hardbounce', statusTime: STATUS_TIME, to: 'jan@example.com', messageId: '<m1@acme.example>' }, context)!;
		expect(event).toMatchObject({ event: 'hardBounce', email: 'jan@example.com', messageId: 'm1@acme.example' });
	});

	it('a new-panel click with `link` reads it as the URL, so two links in one second stay two events', () => {
		const click = (link: string) => normaliseEvent({ status: 'track', statusTime: STATUS_TIME, to: { email: 'a@example.com', messageId: 'm@x' }, link }, context)!;
		expect(click('https://a.example/').url).toBe('https://a.example/');
		expect(eventKey(click('https://a.example/'))).not.toBe(eventKey(click('https://b.example/')));
	});
});
