import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { LEGACY_HEADERS, LEGACY_REPEAT_BATCH, NEW_PANEL_HEADERS } from './constants';
import type { WebhookSecrets } from './credential';
import { fingerprint } from './fingerprint';
import { isIpAllowed, resolveClientIp } from './ipAllowList';
import { EventNormaliser, eventKey, unreadableEvent, type NormalisedEvent } from './normaliseEvent';
import { detectFormat, parseWebhookBody, type RequestHeaders, type WebhookFormat } from './requestFormat';
import type { SeenMemory } from './seenMemory';
import type { StoredKeys } from './storedKeys';
import type { TriggerSettings } from './settings';
import { header, verifyBasicAuth, verifyChecksum, verifyUrlToken } from './verify';

/**
 * The whole request pipeline of the trigger, free of n8n: IP allow-list, Basic auth, checksum,
 * replay window, body parsing, normalisation, filtering, de-duplication. `webhook()` gathers the
 * inputs from n8n and turns the outcome into a response; the benchmark calls this directly.
 */

export interface WebhookRequest {
	headers: RequestHeaders;
	remoteAddress: string | undefined;
	rawBody: Buffer | undefined;
	parsedBody: unknown;
	contentType: string | undefined;
	/** The `token` query parameter (URL rotation); never logged or passed on. */
	urlToken?: string;
}

export type RejectCode =
	| 'ip_not_allowed'
	| 'invalid_url_token'
	| 'basic_auth_failed'
	| 'missing_signature_headers'
	| 'invalid_checksum'
	| 'scheme_not_configured'
	| 'unparseable_date'
	| 'stale_date'
	| 'future_date'
	| 'invalid_json'
	| 'invalid_base64'
	| 'missing_payload'
	| 'not_events'
	| 'request_id_reused'
	| 'still_running';

export type AcknowledgeReason = 'test_call' | 'no_selected_events' | 'duplicate';

export interface RequestStats {
	format?: WebhookFormat;
	verifiedBy: Array<'ipAllowList' | 'urlToken' | 'basicAuth' | 'checksum'>;
	/** Checks passed with the previous value of a rotated secret (the rotation is still in progress). */
	verifiedWithPrevious: Array<'urlToken' | 'basicAuth' | 'checksum'>;
	requestId: string | null;
	isRetry: boolean;
	received: number;
	notEvents: number;
	filtered: number;
	duplicates: number;
	/** Events that could not be read (see unreadableEvent): passed on as `other` or dropped, never failing the batch. */
	unreadable: number;
}

export type Outcome =
	| { action: 'reject'; status: RejectStatus; code: RejectCode; message: string; stats: RequestStats }
	| { action: 'acknowledge'; reason: AcknowledgeReason; stats: RequestStats }
	| { action: 'run'; items: IDataObject[]; stats: RequestStats; claim?: RunClaim };

/**
 * The keys a run holds while the trigger answers only after the workflow has run: confirmed as
 * seen after a 2xx answer, released otherwise (see storedKeys.ts).
 */
export interface RunClaim {
	confirm(): void;
	release(): void;
}

type RejectStatus = 400 | 401 | 403 | 409;

const REJECTIONS: Record<RejectCode, { status: RejectStatus; message: string }> = {
	ip_not_allowed: { status: 403, message: 'The client IP address is not on the allow-list.' },
	invalid_url_token: { status: 401, message: 'The URL token is missing or not valid.' },
	basic_auth_failed: { status: 401, message: 'Basic authentication failed.' },
	missing_signature_headers: { status: 401, message: 'Signature headers are missing.' },
	invalid_checksum: { status: 401, message: 'The checksum does not match.' },
	scheme_not_configured: { status: 401, message: 'The credential has no secret for this webhook format.' },
	unparseable_date: { status: 401, message: 'The signed date cannot be parsed, so the replay window cannot be checked.' },
	stale_date: { status: 401, message: 'The signed date is older than the replay window allows.' },
	future_date: { status: 401, message: 'The signed date lies too far in the future.' },
	invalid_json: { status: 400, message: 'The body is not valid JSON.' },
	invalid_base64: { status: 400, message: 'The form field p is not valid base64.' },
	missing_payload: { status: 400, message: 'The form body has no field p.' },
	not_events: { status: 400, message: 'The body holds no event objects.' },
	request_id_reused: { status: 409, message: 'This request id was seen before with a different body.' },
	still_running: { status: 409, message: 'An earlier delivery of these events is still running. Retry later.' },
};

function reject(code: RejectCode, stats: RequestStats, missing?: string[]): Outcome {
	const { status, message } = REJECTIONS[code];
	return { action: 'reject', status, code, message: missing ? `${message} Missing: ${missing.join(', ')}.` : message, stats };
}

/** Request ids are remembered as fingerprints, like event keys: fixed size, one code path. */
const requestKey = (requestId: string): number => fingerprint(requestId, '', 0, '');

/**
 * A request id bound to its body. The new-panel checksum signs secret|date|request id, not the
 * body, so a captured header set could carry another body within the replay window; a request id
 * that comes back with other bytes is refused.
 */
function requestBodyKey(requestId: string, request: WebhookRequest): number {
	const hash = createHash('sha256');
	if (request.rawBody !== undefined && Buffer.isBuffer(request.rawBody) && request.rawBody.length > 0) hash.update(request.rawBody);
	else hash.update(JSON.stringify(request.parsedBody ?? null) ?? '');
	return fingerprint(requestId, hash.digest('base64'), 0, '');
}

/** The keys a request records: its request id and body binding, and its new events. */
function heldKeys(memory: SeenMemory, requestKeys: number[], bodyKey: number | undefined, eventKeys: Set<number>): Array<[StoredKeys, number]> {
	const held: Array<[StoredKeys, number]> = requestKeys.map((key) => [memory.requestIds, key]);
	if (bodyKey !== undefined && requestKeys.length > 0) held.push([memory.requestBodies, bodyKey]);
	for (const key of eventKeys) held.push([memory.eventKeys, key]);
	return held;
}

export function processWebhookRequest(
	request: WebhookRequest,
	settings: TriggerSettings,
	secrets: WebhookSecrets,
	memory: SeenMemory | undefined,
	nowMs: number,
): Outcome {
	const { headers } = request;
	const stats: RequestStats = {
		verifiedBy: [],
		verifiedWithPrevious: [],
		requestId: null,
		isRetry: false,
		received: 0,
		notEvents: 0,
		filtered: 0,
		duplicates: 0,
		unreadable: 0,
	};

	if (settings.ipAllowList !== null) {
		const clientIp = resolveClientIp(request.remoteAddress, headers['x-forwarded-for'], settings.trustedProxyHops);
		if (!isIpAllowed(clientIp, settings.ipAllowList)) return reject('ip_not_allowed', stats);
		stats.verifiedBy.push('ipAllowList');
	}

	const token = verifyUrlToken(secrets, request.urlToken, nowMs);
	if (token === 'invalid') return reject('invalid_url_token', stats);
	if (token !== undefined) stats.verifiedBy.push('urlToken');
	if (token === 'previous') stats.verifiedWithPrevious.push('urlToken');

	const basicAuth = verifyBasicAuth(secrets, header(headers, 'authorization'), nowMs);
	if (basicAuth === false) return reject('basic_auth_failed', stats);
	if (basicAuth !== undefined) stats.verifiedBy.push('basicAuth');
	if (basicAuth === 'previous') stats.verifiedWithPrevious.push('basicAuth');

	const format = detectFormat(headers, request.contentType ?? header(headers, 'content-type'));
	stats.format = format;
	const verification = verifyChecksum(format, headers, secrets, settings.maxAgeSeconds, nowMs);
	if (verification.state === 'rejected') return reject(verification.code, stats, verification.missing);
	if (verification.state === 'verified') stats.verifiedBy.push('checksum');
	if (verification.state === 'verified' && verification.keyUsed === 'previous') stats.verifiedWithPrevious.push('checksum');

	stats.requestId =
		header(headers, format === 'legacy' ? LEGACY_HEADERS.checksum : NEW_PANEL_HEADERS.requestId) ?? null;
	const repeatBatch = header(headers, LEGACY_HEADERS.batchType)?.toUpperCase() === LEGACY_REPEAT_BATCH;

	const body = parseWebhookBody(format, request.rawBody, request.parsedBody);
	// An unsigned request to a protected webhook learns nothing about its body.
	if (!body.ok) {
		return verification.state === 'absent'
			? reject('missing_signature_headers', stats, verification.missing)
			: reject(body.error, stats);
	}
	stats.received = body.objects.length + body.ignoredElements;
	stats.notEvents = body.ignoredElements;

	// Check and record happen in this one synchronous call, so concurrent copies cannot both pass.
	const requestId = memory !== undefined && verification.state !== 'absent' ? stats.requestId : null;
	const requestState = requestId !== null ? memory!.requestIds.state(requestKey(requestId), nowMs) : 'new';
	if (requestState === 'running') return reject('still_running', stats);
	const requestSeen = requestState === 'seen';
	const bodyKey = requestId !== null ? requestBodyKey(requestId, request) : undefined;
	if (requestSeen && !memory!.requestBodies.has(bodyKey!, nowMs)) return reject('request_id_reused', stats);
	const normaliser = new EventNormaliser({
		requestId: stats.requestId,
		isRetry: false,
		legacy: format === 'legacy',
	});

	const selected: NormalisedEvent[] = [];
	const freshKeys = new Set<number>();
	for (const object of body.objects) {
		let event: NormalisedEvent | undefined;
		try {
			event = normaliser.normalise(object);
		} catch (error) {
			// Whatever one event holds, the other events of the batch still run.
			event = unreadableEvent(object, error as Error, stats.requestId);
		}
		if (event?.problem !== undefined) stats.unreadable++;
		if (event === undefined) {
			stats.notEvents++;
			continue;
		}
		// Unsigned events to a protected webhook: stop at the first one.
		if (verification.state === 'absent') return reject('missing_signature_headers', stats, verification.missing);
		if (event.event === 'other' ? !settings.includeUnknown : !settings.events.has(event.event)) {
			stats.filtered++;
			continue;
		}
		if (memory !== undefined) {
			const key = eventKey(event);
			// Without a key an event cannot be told apart, so in a batch seen before it counts as seen.
			const state = key === undefined ? (requestSeen ? 'seen' : 'new') : freshKeys.has(key) ? 'seen' : memory.eventKeys.state(key, nowMs);
			// Acknowledging it now could lose it if that run fails: EmailLabs should come back later.
			if (state === 'running') return reject('still_running', stats);
			if (state === 'seen') {
				stats.duplicates++;
				continue;
			}
			if (key !== undefined) freshKeys.add(key);
		}
		selected.push(event);
	}

	const eventCount = stats.received - stats.notEvents;
	if (eventCount === 0) {
		// Empty or event-less: the panel's Test call. Only a verified (or unprotected) one may run.
		if (!settings.runOnTestCalls || verification.state === 'absent') {
			return { action: 'acknowledge', reason: 'test_call', stats };
		}
		const testCall = { event: 'testCall', format, requestId: stats.requestId, receivedAt: new Date(nowMs).toISOString() };
		return { action: 'run', items: [testCall], stats };
	}
	stats.isRetry = repeatBatch || requestSeen || stats.duplicates > 0;
	if (stats.isRetry) for (const event of selected) event.isRetry = true;
	const held = memory === undefined ? [] : heldKeys(memory, requestId === null ? [] : [requestKey(requestId)], bodyKey, freshKeys);
	if (selected.length === 0 || !settings.respondAfterRun) {
		for (const [list, key] of held) list.add(key);
		if (selected.length === 0) return { action: 'acknowledge', reason: stats.duplicates > 0 ? 'duplicate' : 'no_selected_events', stats };
	}
	const items = settings.output === 'raw' ? selected.map((event) => event.raw) : selected;
	if (!settings.respondAfterRun || held.length === 0) return { action: 'run', items, stats };
	for (const [list, key] of held) list.hold(key, nowMs);
	return {
		action: 'run',
		items,
		stats,
		claim: {
			confirm: () => held.forEach(([list, key]) => list.confirm(key)),
			release: () => held.forEach(([list, key]) => list.release(key)),
		},
	};
}

/**
 * Records the events of a run as seen, for an execution that runs where webhook() did not (a
 * queue-mode worker never shares the webhook processor's memory): items in either output form.
 */
export function recordSeenEvents(memory: SeenMemory, items: IDataObject[], output: TriggerSettings['output']): void {
	const normaliser = new EventNormaliser({ requestId: null, isRetry: false, legacy: false });
	for (const json of items) {
		const event = output === 'raw' ? normaliser.normalise(json) : (json as unknown as NormalisedEvent);
		if (event === undefined || typeof event.status !== 'string') continue;
		const key = eventKey(event);
		// A key held by a run that answers afterwards becomes seen only when that answer is 2xx.
		if (key !== undefined && memory.eventKeys.state(key, Date.now()) !== 'running') memory.eventKeys.add(key);
	}
}
