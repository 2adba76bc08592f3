/**
 * Property-based tests of the webhook pipeline (fast-check): whatever headers and body arrive,
 * signed or not, processWebhookRequest answers 4xx, acknowledges, or runs with well-formed items,
 * and never throws. Signed cases use the real secret, so arbitrary bodies get past verification
 * and reach the parser and the normaliser.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { secretsFromCredential } from '../../nodes/EmailLabsTrigger/pipeline/credential';
import { EVENT_DEFINITIONS } from '../../nodes/EmailLabsTrigger/pipeline/events';
import { processWebhookRequest, type Outcome } from '../../nodes/EmailLabsTrigger/pipeline/processRequest';
import { SeenMemory } from '../../nodes/EmailLabsTrigger/pipeline/seenMemory';
import { readTriggerSettings } from '../../nodes/EmailLabsTrigger/pipeline/settings';
import { allCredential, legacyHeaders, newPanelHeaders } from './fixtures';

const EVENTS = [...EVENT_DEFINITIONS.map((definition) => definition.event), 'other'];
const TEXT_FIELDS = ['status', 'email', 'recipientName', 'messageId', 'smtpAccount', 'subject', 'from', 'fromName', 'description', 'url', 'ip', 'userAgent', 'occurredAt'];

function settings(output: 'normalised' | 'raw', includeUnknown: boolean) {
	const result = readTriggerSettings(EVENTS.filter((event) => event !== 'other'), output, { includeUnknownEvents: includeUnknown, runOnTestCalls: true });
	if (!result.ok) throw new Error(result.message);
	return result.settings;
}

const secrets = secretsFromCredential(allCredential);

/** The invariant every outcome must satisfy. */
function assertWellFormed(outcome: Outcome, output: 'normalised' | 'raw') {
	if (outcome.action === 'reject') {
		expect([400, 401, 403, 409]).toContain(outcome.status);
		return;
	}
	if (outcome.action === 'acknowledge') return;
	expect(outcome.items.length).toBeGreaterThan(0);
	for (const item of outcome.items) {
		expect(typeof item).toBe('object');
		if (output === 'raw' || item.event === 'testCall') continue;
		expect(EVENTS).toContain(item.event);
		for (const field of TEXT_FIELDS) expect(item[field] === null || typeof item[field] === 'string').toBe(true);
		expect(Array.isArray(item.tags) && (item.tags as unknown[]).every((tag) => typeof tag === 'string')).toBe(true);
		expect(item.timestamp === null || Number.isSafeInteger(item.timestamp)).toBe(true);
		expect(typeof item.isRetry).toBe('boolean');
	}
}

/** Values of every JSON type, in the places the normaliser reads. */
const fieldValue = fc.oneof(
	fc.jsonValue({ maxDepth: 2 }),
	fc.constantFrom(1e20, -1, 0, Number.MAX_SAFE_INTEGER, '100000000000000000000', '2026-13-45 99:99:99', '', ' ', '<>', '<', 'ok', 'OPEN', 'Soft_Bounce', '__proto__', 'constructor'),
	fc.string(),
);
const eventLike = fc.record(
	{
		status: fieldValue,
		statusTime: fieldValue,
		to: fc.oneof(fieldValue, fc.record({ email: fieldValue, name: fieldValue, messageId: fieldValue }, { requiredKeys: [] })),
		from: fc.oneof(fieldValue, fc.record({ email: fieldValue, name: fieldValue }, { requiredKeys: [] })),
		messageId: fieldValue,
		message_id: fieldValue,
		smtpAccount: fieldValue,
		tags: fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 4 })),
		url: fieldValue,
		link: fieldValue,
		created_at: fieldValue,
		event: fieldValue,
		email: fieldValue,
	},
	{ requiredKeys: [] },
);
const body = fc.oneof(
	fc.array(fc.oneof(eventLike, fieldValue), { maxLength: 8 }).map((events) => JSON.stringify(events)),
	fc.record({ events: fc.array(eventLike, { maxLength: 4 }) }).map((wrapped) => JSON.stringify(wrapped)),
	eventLike.map((one) => JSON.stringify(one)),
	fc.jsonValue().map((value) => JSON.stringify(value)),
	fc.string(),
	fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }));
const arbitraryHeaders = fc.dictionary(
	fc.constantFrom('x-webhook-checksum', 'x-webhook-date', 'request-id', 'x-emaillabs-id', 'x-emaillabs-ts', 'x-emaillabs-mt', 'x-emaillabs-ev', 'authorization', 'x-forwarded-for', 'content-type'),
	headerValue,
);
const contentType = fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream');

function run(headers: Record<string, unknown>, text: string, type: string | undefined, output: 'normalised' | 'raw', includeUnknown: boolean, memory: SeenMemory) {
	const rawBody = Buffer.from(text, 'latin1');
	let parsedBody: unknown = {};
	if (type === 'application/json') {
		try {
			parsedBody = JSON.parse(text);
		} catch {
			parsedBody = {};
		}
	}
	return processWebhookRequest(
		{ headers: headers as Record<string, string>, remoteAddress: '127.0.0.1', rawBody, parsedBody, contentType: type },
		settings(output, includeUnknown),
		secrets,
		memory,
		Date.now(),
	);
}

const outputs = fc.constantFrom<'normalised' | 'raw'>('normalised', 'raw');

describe('the webhook pipeline is total', () => {
	it('arbitrary headers and bodies: a 4xx, an acknowledgement or well-formed items, never a throw', () => {
		fc.assert(
			fc.property(arbitraryHeaders, body, contentType, outputs, fc.boolean(), (headers, text, type, output, includeUnknown) => {
				assertWellFormed(run(headers, text, type, output, includeUnknown, new SeenMemory({})), output);
			}),
			{ numRuns: 1500 },
		);
	});

	it('correctly signed new-panel requests with arbitrary bodies', () => {
		const memory = new SeenMemory({});
		fc.assert(
			fc.property(body, contentType, outputs, fc.boolean(), fc.string({ minLength: 1, maxLength: 12 }), (text, type, output, includeUnknown, requestId) => {
				assertWellFormed(run(newPanelHeaders(requestId), text, type, output, includeUnknown, memory), output);
			}),
			{ numRuns: 1500 },
		);
	});

	it('correctly signed legacy requests with an arbitrary base64 payload', () => {
		fc.assert(
			fc.property(body, outputs, fc.boolean(), (text, output, includeUnknown) => {
				const form = `p=${encodeURIComponent(Buffer.from(text, 'latin1').toString('base64'))}`;
				assertWellFormed(run(legacyHeaders(), form, 'application/x-www-form-urlencoded', output, includeUnknown, new SeenMemory({})), output);
			}),
			{ numRuns: 1000 },
		);
	});

	it('a signed batch keeps every readable event when others are odd', () => {
		fc.assert(
			fc.property(fc.array(eventLike, { maxLength: 6 }), fc.integer({ min: 0, max: 6 }), (odd, at) => {
				const good = { status: 'hardbounce', statusTime: 1790326800, to: { email: 'a@example.com', messageId: `good-${Math.random()}` } };
				const events = [...odd.slice(0, at), good, ...odd.slice(at)];
				const outcome = run(newPanelHeaders(`r-${Math.random()}`), JSON.stringify(events), 'application/json', 'normalised', true, new SeenMemory({}));
				expect(outcome.action).toBe('run');
				const items = (outcome as { items: IDataObject[] }).items;
				expect(items.some((item) => item.messageId === good.to.messageId)).toBe(true);
			}),
			{ numRuns: 1000 },
		);
	});
});
