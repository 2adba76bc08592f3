/**
 * The legacy event lists a catch-up reader pages through: `smtp_events/{status}`, `opens` and
 * `clicks`. A row carries everything the webhook event carried (see eventRow), so a reader that
 * missed webhooks can rebuild the same events.
 *
 * The events come sorted by time, per status and account (eventLog.ts): the time window
 * (`from_time` / `to_time`, `filter=created_at.from::…|created_at.to::…`) is two binary searches,
 * `filter=account::…` picks the account's list, and a page in time order maps only its own rows.
 * msgid / to / … filters scan the window's events; other filters or sort fields map the window.
 */
import { firstAfter, firstAtOrAfter, type EventLog } from './eventLog';
import { pageEnvelope, pagedReply } from './legacyLists';
import { applySort, formatDate, matchesLegacyFilter, pageBounds, parseLegacyFilter, toSeconds } from './render';
import type { Reply, SandboxEvent } from './types';
import { legacyEnvelope } from './wire';

/** Row fields holding the status time: a filter range or sort on them follows the time order. */
const TIME_FIELDS = new Set(['created_at', 'date', 'updated_at', 'status_time']);

const dateText = (unixSeconds: number) => formatDate(new Date(unixSeconds * 1000));

/** One event as the legacy lists show it (field names after D4 and the `emails` rows). */
export const legacyEventRow = (event: SandboxEvent) => {
	const statusDate = dateText(event.statusTime);
	return {
		id: event.id,
		msgid: event.messageId,
		message_id: event.messageId,
		account: event.smtpAccount,
		user: event.smtpAccount,
		to: event.email,
		to_name: event.toName,
		from: event.from.email,
		from_name: event.from.name,
		subject: event.subject,
		tags: event.tags,
		status: event.status,
		description: event.statusDesc,
		status_time: event.statusTime,
		date: statusDate,
		created_at: statusDate,
		updated_at: statusDate,
		injected_time: dateText(event.injectedTime),
		...(event.url !== undefined ? { link: event.url } : {}),
		...(event.ip !== undefined ? { ip: event.ip, user_agent: event.userAgent, os: 'Sandbox' } : {}),
	};
};

export interface TimeWindow {
	/** Unix seconds, inclusive. */
	from?: number;
	to?: number;
}

/** Filter fields read straight from the event, so a filtered page does not map every row. */
const EVENT_FIELDS: Record<string, (event: SandboxEvent) => unknown> = {
	msgid: (event) => event.messageId,
	message_id: (event) => event.messageId,
	to: (event) => event.email,
	email: (event) => event.email,
	to_name: (event) => event.toName,
	from: (event) => event.from.email,
	subject: (event) => event.subject,
	status: (event) => event.status,
	link: (event) => event.url,
	ip: (event) => event.ip,
};
/** The SMTP account filter names; the log has a list per status and account for them. */
const ACCOUNT_FIELDS = new Set(['account', 'user', 'smtp_account']);

interface ParsedFilter {
	window: TimeWindow;
	smtpAccount?: string;
	/** True when two different accounts were asked for: nothing matches. */
	noMatch: boolean;
	others: Array<[string, string]>;
}

/** Splits the filter into the time window, the SMTP account and the other pairs. */
function parseEventFilter(filter: unknown, window: TimeWindow): ParsedFilter | { error: string } {
	let { from, to } = window;
	let smtpAccount: string | undefined;
	let noMatch = false;
	const others: Array<[string, string]> = [];
	for (const [field, value] of parseLegacyFilter(filter)) {
		const range = /^(.*)\.(from|to)$/.exec(field);
		if (!range && ACCOUNT_FIELDS.has(field)) {
			noMatch ||= smtpAccount !== undefined && smtpAccount.toLowerCase() !== value.toLowerCase();
			smtpAccount = value;
		} else if (range && TIME_FIELDS.has(range[1])) {
			const bound = toSeconds(value);
			if (bound === undefined) return { error: `${field} must be a Unix time or a date (YYYY-MM-DD HH:MM:SS), got ${value}` };
			if (range[2] === 'from') from = from === undefined ? bound : Math.max(from, bound);
			else to = to === undefined ? bound : Math.min(to, bound);
		} else {
			others.push([field, value]);
		}
	}
	return { window: { from, to }, smtpAccount, noMatch, others };
}

const matchesEvent = (event: SandboxEvent, pairs: Array<[string, string]>) =>
	pairs.every(([field, value]) => {
		const actual = EVENT_FIELDS[field](event);
		return actual !== undefined && String(actual).toLowerCase() === value.toLowerCase();
	});

/**
 * One page of the events of `status` within `window`, filtered, sorted (`sort=created_at` /
 * `-created_at`, default ascending) and paged (`offset` rows, `limit`).
 */
export function listEvents(requestId: string, log: EventLog, status: string, query: Record<string, unknown>, window: TimeWindow = {}): Reply {
	const filter = parseEventFilter(query.filter, window);
	if ('error' in filter) return legacyEnvelope(requestId, 400, [], { filter: filter.error });
	const events = filter.noMatch ? [] : log.withStatus(status, filter.smtpAccount);
	const { from, to } = filter.window;
	const start = from === undefined ? 0 : firstAtOrAfter(events, from);
	const end = Math.max(start, to === undefined ? events.length : firstAfter(events, to));
	const sort = typeof query.sort === 'string' ? query.sort : '';
	const sortField = sort.replace(/^[-+]/, '');
	const timeOrder = !sortField || TIME_FIELDS.has(sortField);
	// Descending time order is the window read backwards, so ties keep one order both ways.
	const descending = timeOrder && sort.startsWith('-');

	if (!timeOrder || filter.others.some(([field]) => !EVENT_FIELDS[field])) {
		const rows = events.slice(start, end).map(legacyEventRow).filter((row) => matchesLegacyFilter(row, filter.others));
		return pagedReply(requestId, timeOrder ? (descending ? rows.reverse() : rows) : applySort(rows, sort), query);
	}
	// In time order: map only the rows of this page.
	const matching = filter.others.length ? events.slice(start, end).filter((event) => matchesEvent(event, filter.others)) : events;
	const [first, last] = filter.others.length ? [0, matching.length] : [start, end];
	const { start: offset, size } = pageBounds(query.offset, query.limit);
	const rows = [];
	for (let index = offset; index < Math.min(last - first, offset + size); index++) {
		rows.push(legacyEventRow(matching[descending ? last - 1 - index : first + index]));
	}
	return pageEnvelope(requestId, rows, last - first);
}
