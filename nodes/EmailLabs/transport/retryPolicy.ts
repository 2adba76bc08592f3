/** When and how long to wait before trying an EmailLabs request again. Pure functions. */

export const RETRYABLE_STATUS_CODES = new Set([429, 502, 503, 504]);

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
]);

/**
 * Failures after which the server may already have acted on the request: a gateway answered for
 * it (502, 504), or the connection broke or timed out once the request could have been sent.
 * A send is not repeated blindly after these (see deliverBatch's reconciliation).
 */
export const AMBIGUOUS_STATUS_CODES = new Set([502, 504]);

/** Network failures that prove the request never reached a server: safe to repeat any request. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;
/** A Retry-After longer than this is not waited for: the request fails with EmailLabs' answer. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** n8n's request helpers wrap network errors: the code may sit on the error, its cause or as `httpCode`. */
export function isRetryableNetworkError(error: { code?: unknown; httpCode?: unknown; cause?: unknown; message?: unknown }): boolean {
	const cause = (error.cause ?? {}) as { code?: unknown };
	const codes = [error.code, error.httpCode, cause.code];
	if (codes.some((code) => typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code))) return true;
	return typeof error.message === 'string' && /socket hang up|ECONNRESET/i.test(error.message);
}

/** A network error that proves nothing was sent (refused connection, failed DNS lookup). */
export function isNotSentNetworkError(error: { code?: unknown; httpCode?: unknown; cause?: unknown }): boolean {
	const cause = (error.cause ?? {}) as { code?: unknown };
	return [error.code, error.httpCode, cause.code].some((code) => typeof code === 'string' && NOT_SENT_NETWORK_CODES.has(code));
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds; undefined when absent or invalid. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/**
 * Exponential backoff with jitter for the given failed attempt (1-based): half fixed, half random,
 * so that parallel executions spread out. `Retry-After`, when given, wins.
 */
export function retryDelayMs(attempt: number, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return retryAfterMs;
	const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
