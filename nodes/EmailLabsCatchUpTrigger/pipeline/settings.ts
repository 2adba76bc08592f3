import { LEGACY_EVENT_MAX_PAGE_SIZE } from '../../EmailLabs/transport/wireAssumptions';
import { streamsFor, type EventStream } from './streams';

/** The node's parameters, read and checked before any request. Pure. */

export const DEFAULTS = {
	overlapMinutes: 10,
	maxEventsPerPoll: 1000,
	pageSize: 500,
	/** Without Start From, a stream's first poll reads the hour before it. */
	firstPollLookbackSeconds: 3600,
} as const;

export const LIMITS = {
	maxOverlapMinutes: 1440,
	maxEventsPerPoll: 100_000,
	maxPageSize: LEGACY_EVENT_MAX_PAGE_SIZE,
} as const;

export interface CatchUpSettings {
	streams: EventStream[];
	/** The parameter as written (an expression unevaluated): cursors restart when it changes. */
	startFrom: string;
	/** Unix seconds; undefined = one hour before each stream's first poll. */
	startFromSeconds?: number;
	overlapSeconds: number;
	maxEvents: number;
	pageSize: number;
	smtpAccount?: string;
}

export type SettingsResult = { ok: true; settings: CatchUpSettings } | { ok: false; message: string; description?: string };

type ParameterReader = (name: string, fallback: unknown) => unknown;

/** The UTC offset of a time zone at an instant, in ms (Intl knows the zones; no library needed). */
function zoneOffsetMs(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - Math.floor(ms / 1000) * 1000;
}

/** `2026-05-01T08:00:00` without a zone, as n8n's date picker writes it: meant in the workflow's zone. */
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/;

/** Start From as Unix seconds: a date text, a Date, a Luxon DateTime or a number; 'invalid' otherwise. */
export function parseStartFrom(value: unknown, timeZone: string): number | undefined | 'invalid' {
	if (value === undefined || value === null || value === '') return undefined;
	let ms: number;
	if (typeof value === 'number') ms = value < 1e12 ? value * 1000 : value;
	else if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		ms = (value as { toMillis: () => number }).toMillis();
	} else {
		const textValue = String(value).trim();
		const wall = WALL_TIME.exec(textValue);
		if (wall) {
			const [, y, mo, d, h = '0', mi = '0', s = '0'] = wall;
			const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
			try {
				// Twice: the offset at the guessed instant is right also next to a DST change.
				ms = local - zoneOffsetMs(local - zoneOffsetMs(local, timeZone), timeZone);
			} catch {
				ms = local;
			}
		} else {
			ms = Date.parse(textValue);
		}
	}
	return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : 'invalid';
}

function wholeNumber(value: unknown, fallback: number, min: number, max: number): number | undefined {
	const number = value === undefined || value === null || value === '' ? fallback : Number(value);
	if (!Number.isFinite(number) || number < min || number > max) return undefined;
	return Math.floor(number);
}

/** `startFromAsWritten`: the Start From parameter with expressions left unevaluated. */
export function readSettings(get: ParameterReader, timeZone: string, startFromAsWritten: unknown): SettingsResult {
	const events = get('events', []) as unknown;
	const selected = Array.isArray(events) ? events.map(String) : [];
	const { streams, unknown } = streamsFor(selected);
	if (unknown.length) {
		return { ok: false, message: `Events cannot be caught up from the API: ${unknown.join(', ')}`, description: 'Choose events from the list.' };
	}
	if (!streams.length) return { ok: false, message: 'Choose at least one event under Events' };

	const rawStart = get('startFrom', '');
	const startFromSeconds = parseStartFrom(rawStart, timeZone);
	if (startFromSeconds === 'invalid') return { ok: false, message: `Start From is not a valid date: "${String(rawStart)}"` };

	const options = (get('options', {}) ?? {}) as Record<string, unknown>;
	const overlapMinutes = wholeNumber(options.overlapMinutes, DEFAULTS.overlapMinutes, 0, LIMITS.maxOverlapMinutes);
	if (overlapMinutes === undefined) return { ok: false, message: `Overlap must be between 0 and ${LIMITS.maxOverlapMinutes} minutes` };
	const maxEvents = wholeNumber(options.maxEventsPerPoll, DEFAULTS.maxEventsPerPoll, 1, LIMITS.maxEventsPerPoll);
	if (maxEvents === undefined) return { ok: false, message: `Max Events per Poll must be between 1 and ${LIMITS.maxEventsPerPoll}` };
	const pageSize = wholeNumber(options.pageSize, DEFAULTS.pageSize, 1, LIMITS.maxPageSize);
	if (pageSize === undefined) return { ok: false, message: `Page Size must be between 1 and ${LIMITS.maxPageSize}` };
	const smtpAccount = typeof options.smtpAccount === 'string' && options.smtpAccount.trim() ? options.smtpAccount.trim() : undefined;

	return {
		ok: true,
		settings: {
			streams,
			startFrom: typeof startFromAsWritten === 'string' ? startFromAsWritten : String(startFromAsWritten ?? ''),
			...(startFromSeconds !== undefined ? { startFromSeconds } : {}),
			overlapSeconds: overlapMinutes * 60,
			maxEvents,
			pageSize,
			...(smtpAccount ? { smtpAccount } : {}),
		},
	};
}
