/**
 * Small value helpers and the two EmailLabs answer envelopes (legacy and API v2.1).
 */
import { isPlainObject, type Vars } from './render';
import type { Reply } from './types';

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value).trim());
export const lower = (value: string) => value.toLowerCase();

/** PHP list objects (`{"0": a, "1": b}`) or arrays into arrays; scalars into a one-element list. */
export function list(value: unknown): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value;
	if (isPlainObject(value)) return Object.values(value);
	return [value];
}

export function stringMap(value: unknown): Record<string, string> {
	if (!isPlainObject(value)) return {};
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, text(entry)]));
}

/** Bodies in the calls log: attachment contents are replaced by their size. */
export function summariseBody(value: unknown, key = ''): unknown {
	if (typeof value === 'string') {
		return (key === 'content' || key === 'fileContent') && value.length > 64 ? `<${value.length} base64 characters>` : value;
	}
	if (Array.isArray(value)) return value.map((entry) => summariseBody(entry));
	if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summariseBody(v, k)]));
	return value;
}

export function legacyEnvelope(requestId: string, status: number, data: unknown, message?: unknown, extra: Vars = {}): Reply {
	return {
		status,
		body: {
			code: status,
			status: status < 400 ? 'success' : 'fail',
			message: message ?? (status < 400 ? 'Action completed' : 'Error'),
			data,
			req_id: requestId,
			...extra,
		},
	};
}

export interface V2Error {
	title: string;
	message: string;
	code: string;
	meta?: { parameter?: string; value?: string; source?: string };
}

export function v2Envelope(requestId: string, status: number, data: unknown, errors: V2Error[] = []): Reply {
	return {
		status,
		body: {
			meta: { numberOfErrors: errors.length, numberOfData: Array.isArray(data) ? data.length : data ? 1 : 0, status, uniqId: requestId },
			data,
			errors,
		},
	};
}

export const v2Error = (message: string, parameter?: string, value?: unknown, code = 'E-1-001'): V2Error => ({
	title: 'Validation error',
	message,
	code,
	...(parameter ? { meta: { parameter, ...(value !== undefined ? { value: String(value) } : {}) } } : {}),
});
