import type { IDataObject } from 'n8n-workflow';

export type ApiGeneration = 'legacy' | 'v2';

export interface ApiErrorEntry {
	message: string;
	code?: string;
	parameter?: string;
	value?: string;
}

/** One EmailLabs answer, whichever generation: legacy `code/status/message/data/req_id`, v2.1 `meta/data/errors`. */
export interface EmailLabsResponse {
	statusCode: number;
	data: unknown;
	requestId?: string;
	message?: string;
	code?: string;
	/** Legacy lists report the total count as `number_of_elements`. */
	total?: number;
	errors: ApiErrorEntry[];
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bodies arrive as parsed JSON, text or bytes depending on the content type: always give an object. */
export function parseBody(raw: unknown): IDataObject | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (isObject(raw) && !(raw instanceof Uint8Array)) return raw;
	const text = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : String(raw);
	try {
		const parsed = JSON.parse(text);
		return isObject(parsed) ? parsed : { data: parsed };
	} catch {
		return { message: text.slice(0, 500) };
	}
}

/** Legacy validation messages come as a string, a list or a field → messages map. */
function flattenMessage(message: unknown): string | undefined {
	if (message === undefined || message === null || message === '') return undefined;
	if (typeof message === 'string') return message;
	if (Array.isArray(message)) return message.map(flattenMessage).filter(Boolean).join('; ');
	if (isObject(message)) {
		return Object.entries(message)
			.map(([field, text]) => `${field}: ${flattenMessage(text)}`)
			.join('; ');
	}
	return String(message);
}

function toErrorEntry(entry: unknown): ApiErrorEntry {
	if (!isObject(entry)) return { message: String(entry) };
	const meta = isObject(entry.meta) ? entry.meta : {};
	const message =
		flattenMessage(entry.message) ?? flattenMessage(entry.title) ?? flattenMessage(entry.details) ?? 'Unknown error';
	return {
		message,
		code: entry.code !== undefined ? String(entry.code) : undefined,
		parameter: meta.parameter !== undefined ? String(meta.parameter) : undefined,
		value: meta.value !== undefined ? String(meta.value) : undefined,
	};
}

export function readEnvelope(generation: ApiGeneration, statusCode: number, body: IDataObject | undefined): EmailLabsResponse {
	const envelope = body ?? {};
	if (generation === 'legacy') {
		const total = Number(envelope.number_of_elements);
		return {
			statusCode,
			data: envelope.data,
			requestId: envelope.req_id !== undefined ? String(envelope.req_id) : undefined,
			message: flattenMessage(envelope.message),
			code: envelope.code !== undefined ? String(envelope.code) : undefined,
			total: Number.isFinite(total) ? total : undefined,
			errors: [],
		};
	}
	const meta = isObject(envelope.meta) ? envelope.meta : {};
	const errors = Array.isArray(envelope.errors) ? envelope.errors.map(toErrorEntry) : [];
	// A vendor help page shows `{"error":{"code","message","details"}}` instead of JSON:API errors.
	if (isObject(envelope.error)) errors.push(toErrorEntry(envelope.error));
	if (!errors.length && statusCode >= 400 && envelope.message !== undefined) errors.push(toErrorEntry(envelope));
	return {
		statusCode,
		data: envelope.data,
		requestId: meta.uniqId !== undefined ? String(meta.uniqId) : undefined,
		message: errors.map((error) => error.message).join('; ') || undefined,
		code: errors[0]?.code,
		total: undefined,
		errors,
	};
}

/** Legacy answers can carry a failure in `code`/`status` even with HTTP 200. */
export function isFailure(generation: ApiGeneration, response: EmailLabsResponse, body: IDataObject | undefined): boolean {
	if (response.statusCode >= 400) return true;
	if (generation === 'legacy' && body) {
		const code = Number(body.code);
		if (Number.isFinite(code) && code >= 400) return true;
		if (typeof body.status === 'string' && /^(fail|error)/i.test(body.status)) return true;
	}
	return false;
}

/** EmailLabs answers "no results" with 404 (legacy: message "No items"; v2.1: documented for GET lists). */
export function isEmptyListAnswer(generation: ApiGeneration, response: EmailLabsResponse): boolean {
	if (response.statusCode !== 404 && response.code !== '404') return false;
	if (generation === 'v2') return true;
	return /no items/i.test(response.message ?? '');
}
