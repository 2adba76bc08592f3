/** Date parsing and formatting shared by the replay window (headers) and event normalisation. */

const SECONDS_IN_MS = 1000;
/** Numbers at or above this are read as milliseconds (it is 2001-09-09 in ms, year 33658 in s). */
const MILLISECONDS_THRESHOLD = 1e12;

const NUMERIC = /^\d+(\.\d+)?$/;
/** `2026-09-25 09:00:00` (the form seen in `X-Webhook-Date`), optional fraction, no zone. */
const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Epoch milliseconds from a number of seconds or milliseconds; undefined when not finite or < 0. */
export function epochMsFromNumber(value: number): number | undefined {
	if (!Number.isFinite(value) || value < 0) return undefined;
	return value >= MILLISECONDS_THRESHOLD ? Math.trunc(value) : Math.trunc(value * SECONDS_IN_MS);
}

/**
 * Parses a date as EmailLabs may send it: Unix seconds (or ms), `YYYY-MM-DD HH:MM:SS` read as UTC
 * (assumption: the zone is undocumented), ISO 8601, or an RFC 7231 HTTP date.
 * Returns epoch milliseconds, or undefined when the value is not a date.
 */
export function parseTimestamp(value: unknown): number | undefined {
	if (typeof value === 'number') return epochMsFromNumber(value);
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	if (NUMERIC.test(text)) return epochMsFromNumber(Number(text));
	const sql = SQL_DATETIME.exec(text);
	if (sql) {
		const [, y, mo, d, h, mi, s = '0', fraction = '0'] = sql;
		const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.trunc(Number(`0.${fraction}`) * 1000));
		return Number.isNaN(ms) ? undefined : ms;
	}
	// ISO 8601 with a zone, or RFC 7231 (`Sun, 06 Nov 1994 08:49:37 GMT`). A zone-less ISO form
	// would be read as local time by Date.parse, so it is handled by SQL_DATETIME above.
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : parsed;
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/**
 * `new Date(ms).toISOString()` without allocating a Date: it runs once per event, so a batch of
 * 10,000 events would otherwise allocate 10,000 Dates. Civil-from-days after H. Hinnant's
 * public-domain algorithm; years outside 1970-9999 fall back to Date.
 */
export function isoStringFromEpochMs(ms: number): string {
	if (ms < 0 || ms >= 253402300800000) return new Date(ms).toISOString();
	const days = Math.floor(ms / 86400000);
	const msOfDay = ms - days * 86400000;
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	const hours = Math.floor(msOfDay / 3600000);
	const minutes = Math.floor((msOfDay % 3600000) / 60000);
	const seconds = Math.floor((msOfDay % 60000) / 1000);
	return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(msOfDay % 1000)}Z`;
}
