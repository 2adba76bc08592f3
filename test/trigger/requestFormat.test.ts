import { detectFormat, parseWebhookBody, unwrapEvents } from '../../nodes/EmailLabsTrigger/pipeline/requestFormat';
import { legacyBody } from './fixtures';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const event = { status: 'ok', to: { email: 'a@example.com' } };

describe('detectFormat', () => {
	it('treats JSON and unknown bodies as the new panel', () => {
		expect(detectFormat({}, 'application/json')).toBe('newPanel');
		expect(detectFormat({}, undefined)).toBe('newPanel');
		expect(detectFormat({ 'x-webhook-checksum': 'x' }, 'text/plain')).toBe('newPanel');
	});

	it('treats form bodies and X-EMAILLABS-* headers as the legacy Event API', () => {
		expect(detectFormat({}, 'application/x-www-form-urlencoded')).toBe('legacy');
		expect(detectFormat({}, 'Application/X-WWW-Form-Urlencoded; charset=UTF-8')).toBe('legacy');
		expect(detectFormat({ 'x-emaillabs-id': 'x' }, 'application/json')).toBe('legacy');
		expect(detectFormat({ 'x-emaillabs-ev': 'NEW_EVENTS' }, undefined)).toBe('legacy');
	});
});

describe('unwrapEvents', () => {
	it('accepts an array, a single object and the four wrappers', () => {
		expect(unwrapEvents([event, event])).toEqual({ ok: true, objects: [event, event], ignoredElements: 0 });
		expect(unwrapEvents(event)).toEqual({ ok: true, objects: [event], ignoredElements: 0 });
		for (const wrapper of ['events', 'data', 'items', 'reports']) {
			expect(unwrapEvents({ [wrapper]: [event], meta: {} })).toEqual({ ok: true, objects: [event], ignoredElements: 0 });
		}
	});

	it('skips non-object elements instead of failing the batch', () => {
		expect(unwrapEvents([event, 'x', null, 3, [1]])).toEqual({ ok: true, objects: [event], ignoredElements: 4 });
	});

	it('treats empty values as no events and scalars as not events', () => {
		expect(unwrapEvents([])).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(unwrapEvents({})).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(unwrapEvents(null)).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(unwrapEvents('events')).toEqual({ ok: false, error: 'not_events' });
		expect(unwrapEvents(42)).toEqual({ ok: false, error: 'not_events' });
	});
});

describe('parseWebhookBody: new panel', () => {
	it('reuses the body n8n already parsed', () => {
		expect(parseWebhookBody('newPanel', Buffer.from('ignored'), [event])).toEqual({ ok: true, objects: [event], ignoredElements: 0 });
	});

	it('parses the raw body when n8n did not (text/plain, missing or empty req.body)', () => {
		expect(parseWebhookBody('newPanel', json([event]), '[{"ignored":1}]')).toMatchObject({ objects: [event] });
		expect(parseWebhookBody('newPanel', json([event]), undefined)).toMatchObject({ objects: [event] });
		expect(parseWebhookBody('newPanel', json([event]), {})).toMatchObject({ objects: [event] });
		expect(parseWebhookBody('newPanel', Buffer.from(`\ufeff${JSON.stringify([event])}`), undefined)).toMatchObject({ objects: [event] });
	});

	it('falls back to a string body when there is no raw body', () => {
		expect(parseWebhookBody('newPanel', undefined, JSON.stringify([event]))).toMatchObject({ objects: [event] });
	});

	it('treats an empty body as no events and bad JSON as an error', () => {
		expect(parseWebhookBody('newPanel', Buffer.alloc(0), {})).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(parseWebhookBody('newPanel', undefined, undefined)).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(parseWebhookBody('newPanel', Buffer.from('[{"status":'), undefined)).toEqual({ ok: false, error: 'invalid_json' });
		expect(parseWebhookBody('newPanel', Buffer.from('"just a string"'), undefined)).toEqual({ ok: false, error: 'not_events' });
	});
});

describe('parseWebhookBody: legacy Event API', () => {
	it('decodes the base64 JSON of field p from the raw form body', () => {
		expect(parseWebhookBody('legacy', Buffer.from(legacyBody([event])), undefined)).toMatchObject({ objects: [event] });
	});

	it('reads p from the body n8n parsed', () => {
		const p = Buffer.from(JSON.stringify([event])).toString('base64');
		expect(parseWebhookBody('legacy', undefined, { p })).toMatchObject({ objects: [event] });
	});

	it('survives an unencoded + that became a space, and URL-safe base64', () => {
		const unicode = [{ status: 'ok', subject: 'Zażółć gęślą jaźń ~~~>>>???' }];
		const base64 = Buffer.from(JSON.stringify(unicode)).toString('base64');
		expect(base64).toMatch(/[+/]/);
		expect(parseWebhookBody('legacy', Buffer.from(`p=${base64}`), undefined)).toMatchObject({ objects: unicode });
		const urlSafe = base64.replace(/\+/g, '-').replace(/\//g, '_');
		expect(parseWebhookBody('legacy', Buffer.from(`p=${urlSafe}`), undefined)).toMatchObject({ objects: unicode });
	});

	it('reports bad base64, base64 that is not JSON, and a missing field p', () => {
		expect(parseWebhookBody('legacy', Buffer.from('p=%%%not*base64!'), undefined)).toEqual({ ok: false, error: 'invalid_base64' });
		expect(parseWebhookBody('legacy', Buffer.from('p=abcde'), undefined)).toEqual({ ok: false, error: 'invalid_base64' });
		const notJson = Buffer.from('hello world').toString('base64');
		expect(parseWebhookBody('legacy', Buffer.from(`p=${notJson}`), undefined)).toEqual({ ok: false, error: 'invalid_json' });
		expect(parseWebhookBody('legacy', Buffer.from('q=1'), undefined)).toEqual({ ok: false, error: 'missing_payload' });
	});

	it('treats an empty body or empty p as no events', () => {
		expect(parseWebhookBody('legacy', Buffer.alloc(0), {})).toEqual({ ok: true, objects: [], ignoredElements: 0 });
		expect(parseWebhookBody('legacy', Buffer.from('p='), undefined)).toEqual({ ok: true, objects: [], ignoredElements: 0 });
	});
});
