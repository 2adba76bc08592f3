/** Date parsing and formatting shared by the replay window (headers) and event normalisation. */

const MS_PER_SECOND = 1000;
/** Numbers at or above this are read as milliseconds (it is 2001-09-09 in ms, year 33658 in s). */
const MILLISECONDS_THRESHOLD = 1e12;

const NUMERIC = /^\d+(\.\d+)?$/;
/** `2026-09-25 09:00:00` (the form seen in `X-Webhook-Date`), optional fraction, no zone. */
const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** The largest time a JavaScript Date can hold (year 275760); anything later is not a date. */
const MAX_DATE_MS = 8.64e15;

/** Epoch milliseconds from a number of seconds or milliseconds; undefined when not finite, < 0 or beyond a Date's range. */
export function epochMsFromNumber(value: number): number | undefined {
	if (!Number.isFinite(value) || value < 0) return undefined;
	const ms = value >= MILLISECONDS_THRESHOLD ? Math.trunc(value) : Math.trunc(value * MS_PER_SECOND);
	return ms <= MAX_DATE_MS ? ms : undefined;
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
		if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return undefined;
		return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.trunc(Number(`0.${fraction}`) * 1000));
	}
	// ISO 8601 with a zone, or RFC 7231 (`Sun, 06 Nov 1994 08:49:37 GMT`). A zone-less ISO form
	// would be read as local time by Date.parse, so it is handled by SQL_DATETIME above.
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : parsed;
}

const MS_PER_DAY = 86400000;
/** 10000-01-01T00:00:00Z: the ISO form needs more than four year digits from here on. */
const YEAR_10000_MS = 253402300800000;
const ZERO = 48;

/** Character codes of `YYYY-MM-DDT` for a day since the epoch (civil-from-days, H. Hinnant's public-domain algorithm). */
function isoDateCodes(days: number): number[] {
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	return [
		ZERO + Math.floor(year / 1000),
		ZERO + (Math.floor(year / 100) % 10),
		ZERO + (Math.floor(year / 10) % 10),
		ZERO + (year % 10),
		45, // -
		ZERO + Math.floor(month / 10),
		ZERO + (month % 10),
		45,
		ZERO + Math.floor(day / 10),
		ZERO + (day % 10),
		84, // T
	];
}

/**
 * Formats epoch milliseconds like `new Date(ms).toISOString()`, for a whole batch. It runs once per
 * event, so it builds the 24 characters in one String.fromCharCode call (no Date, no intermediate
 * strings: every allocation makes the garbage collector copy the whole parsed batch sooner) and
 * remembers the date part of the last day, which the events of a batch mostly share.
 * Make one per request. Years outside 1970-9999 fall back to Date.
 */
export class IsoFormatter {
	private lastDay = Number.NaN;

	private date = isoDateCodes(0);

	format(ms: number): string {
		if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
		const days = Math.floor(ms / MS_PER_DAY);
		if (days !== this.lastDay) {
			this.lastDay = days;
			this.date = isoDateCodes(days);
		}
		const d = this.date;
		let rest = Math.floor(ms - days * MS_PER_DAY);
		const hours = Math.floor(rest / 3600000);
		rest -= hours * 3600000;
		const minutes = Math.floor(rest / 60000);
		rest -= minutes * 60000;
		const seconds = Math.floor(rest / 1000);
		const millis = rest - seconds * 1000;
		return String.fromCharCode(
			d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
			ZERO + Math.floor(hours / 10), ZERO + (hours % 10), 58, // :
			ZERO + Math.floor(minutes / 10), ZERO + (minutes % 10), 58,
			ZERO + Math.floor(seconds / 10), ZERO + (seconds % 10), 46, // .
			ZERO + Math.floor(millis / 100), ZERO + (Math.floor(millis / 10) % 10), ZERO + (millis % 10),
			90, // Z
		);
	}
}
