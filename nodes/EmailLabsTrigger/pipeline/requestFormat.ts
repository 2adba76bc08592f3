import { LEGACY_HEADERS, LEGACY_PAYLOAD_FIELD } from './constants';

/** Request headers as Node.js exposes them (names lower-cased). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** `newPanel`: JSON body, SHA-1 checksum. `legacy`: old-panel Event API, form field `p`, MD5 checksum. */
export type WebhookFormat = 'newPanel' | 'legacy';

export type BodyError = 'invalid_json' | 'invalid_base64' | 'missing_payload' | 'not_events';

export type ParsedBody =
	| { ok: true; objects: Array<Record<string, unknown>>; ignoredElements: number }
	| { ok: false; error: BodyError };

/** Wrapper properties accepted around an event array. Defensive: no wrapper has been observed. */
const EVENT_ARRAY_WRAPPERS = ['events', 'data', 'items', 'reports'] as const;

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * The format decides which checksum applies: any X-EMAILLABS-* header or a form body means the
 * legacy Event API, anything else the new panel's JSON.
 */
export function detectFormat(headers: RequestHeaders, contentType: string | undefined): WebhookFormat {
	if (
		headers[LEGACY_HEADERS.checksum] !== undefined ||
		headers[LEGACY_HEADERS.timestamp] !== undefined ||
		headers[LEGACY_HEADERS.batchType] !== undefined
	) {
		return 'legacy';
	}
	return contentType?.toLowerCase().startsWith(FORM_CONTENT_TYPE) ? 'legacy' : 'newPanel';
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The event objects of a decoded body: an array, a single object, or `{events|data|items|reports: [...]}`.
 * Non-object array elements are skipped rather than failing the batch (EmailLabs advises not to
 * reject a whole batch for one bad event). A scalar body is not events.
 */
export function unwrapEvents(decoded: unknown): ParsedBody {
	if (decoded === null || decoded === undefined) return { ok: true, objects: [], ignoredElements: 0 };
	let list: unknown[];
	if (Array.isArray(decoded)) {
		list = decoded;
	} else if (isPlainObject(decoded)) {
		const wrapper = EVENT_ARRAY_WRAPPERS.find((key) => Array.isArray(decoded[key]));
		if (wrapper !== undefined) list = decoded[wrapper] as unknown[];
		else return { ok: true, objects: Object.keys(decoded).length === 0 ? [] : [decoded], ignoredElements: 0 };
	} else {
		return { ok: false, error: 'not_events' };
	}
	// Usually every element is an event object: then the parsed array itself is used, not a copy.
	let allObjects = true;
	for (let i = 0; i < list.length && allObjects; i++) allObjects = isPlainObject(list[i]);
	if (allObjects) return { ok: true, objects: list as Array<Record<string, unknown>>, ignoredElements: 0 };
	const objects = list.filter(isPlainObject);
	return { ok: true, objects, ignoredElements: list.length - objects.length };
}

function bodyText(rawBody: Buffer): string {
	const text = rawBody.toString('utf8');
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

const hasBytes = (rawBody: Buffer | undefined): rawBody is Buffer =>
	rawBody !== undefined && Buffer.isBuffer(rawBody) && rawBody.length > 0;

/**
 * n8n's body parser has already parsed JSON bodies into `req.body`; it is reused when it holds
 * data. Otherwise (missing, text/plain, unknown content type) the raw bytes are parsed here.
 */
function parseNewPanelBody(rawBody: Buffer | undefined, parsedBody: unknown): ParsedBody {
	if (Array.isArray(parsedBody) || (isPlainObject(parsedBody) && Object.keys(parsedBody).length > 0)) {
		return unwrapEvents(parsedBody);
	}
	let text: string | undefined;
	if (hasBytes(rawBody)) text = bodyText(rawBody);
	else if (typeof parsedBody === 'string') text = parsedBody;
	if (text === undefined || text.trim() === '') return { ok: true, objects: [], ignoredElements: 0 };
	const parsed = parseJson(text);
	return parsed.ok ? unwrapEvents(parsed.value) : { ok: false, error: 'invalid_json' };
}

// Standard and URL-safe alphabets; spaces are accepted because an unencoded `+` in a form body
// decodes to a space.
const BASE64 = /^[A-Za-z0-9+/\-_ ]*={0,2}$/;

function readLegacyPayload(rawBody: Buffer | undefined, parsedBody: unknown): string | undefined {
	if (isPlainObject(parsedBody) && typeof parsedBody[LEGACY_PAYLOAD_FIELD] === 'string') {
		return parsedBody[LEGACY_PAYLOAD_FIELD];
	}
	if (!hasBytes(rawBody)) return undefined;
	return new URLSearchParams(bodyText(rawBody)).get(LEGACY_PAYLOAD_FIELD) ?? undefined;
}

function parseLegacyBody(rawBody: Buffer | undefined, parsedBody: unknown): ParsedBody {
	const payload = readLegacyPayload(rawBody, parsedBody);
	if (payload === undefined) {
		const empty = !hasBytes(rawBody) && !(isPlainObject(parsedBody) && Object.keys(parsedBody).length > 0);
		return empty ? { ok: true, objects: [], ignoredElements: 0 } : { ok: false, error: 'missing_payload' };
	}
	const compact = payload.replace(/[\r\n\t]/g, '');
	if (compact.trim() === '') return { ok: true, objects: [], ignoredElements: 0 };
	if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
		return { ok: false, error: 'invalid_base64' };
	}
	const json = Buffer.from(compact.replace(/ /g, '+'), 'base64').toString('utf8');
	const parsed = parseJson(json);
	return parsed.ok ? unwrapEvents(parsed.value) : { ok: false, error: 'invalid_json' };
}

export function parseWebhookBody(
	format: WebhookFormat,
	rawBody: Buffer | undefined,
	parsedBody: unknown,
): ParsedBody {
	return format === 'legacy' ? parseLegacyBody(rawBody, parsedBody) : parseNewPanelBody(rawBody, parsedBody);
}
