/**
 * Read side of the legacy API: paged and filtered lists, the row shape of `emails`, and the
 * `agregate` / `agregate_tags` counters (the event lists are in eventLists.ts).
 */
import { MAX_AGGREGATE_DAYS } from './constants';
import { firstAfter, firstAtOrAfter } from './eventLog';
import { applyLegacyFilter, applySort, formatDate, page, toSeconds } from './render';
import type { SandboxState } from './state';
import type { Reply, StoredMessage } from './types';
import { legacyEnvelope, text } from './wire';

export const legacyList = (requestId: string, rows: Array<Record<string, unknown>>, query: Record<string, unknown>, aliases: Record<string, string[]> = {}) =>
	pagedReply(requestId, applySort(applyLegacyFilter(rows, query.filter, aliases), query.sort), query);

/** One page of rows already filtered and sorted. */
export const pagedReply = (requestId: string, rows: Array<Record<string, unknown>>, query: Record<string, unknown>) =>
	pageEnvelope(requestId, page(rows, query.offset, query.limit), rows.length);

/** The answer for one page of `total` matching rows (404 "No items" when the page is empty, as EmailLabs). */
export const pageEnvelope = (requestId: string, pageRows: unknown[], total: number) =>
	pageRows.length
		? legacyEnvelope(requestId, 200, pageRows, 'Action completed', { number_of_elements: total })
		: legacyEnvelope(requestId, 404, [], 'No items', { number_of_elements: total });

export const legacyEmailRow = (message: StoredMessage) => ({
	id: message.messageId,
	msgid: message.messageId,
	message_id: message.messageId,
	account: message.smtpAccount,
	to: message.to.email,
	to_name: message.to.name,
	from: message.from.email,
	subject: message.subject,
	tags: message.tags,
	status: message.status,
	date: message.createdAt,
	injected_time: message.createdAt,
	created_at: message.createdAt,
	updated_at: formatDate(new Date((message.statuses[message.statuses.length - 1]?.statusTime ?? message.createdTime) * 1000)),
});

export const aggregate = (state: SandboxState, requestId: string, query: Record<string, unknown>, byTag: boolean): Reply => {
	const { messages } = state;
	const events = state.log.all;
	const from = toSeconds(query.date_from);
	const to = toSeconds(query.date_to);
	if (from === undefined || to === undefined) return legacyEnvelope(requestId, 400, [], { date_from: 'date_from and date_to are required (Unix time)' });
	if (to < from) return legacyEnvelope(requestId, 400, [], { date_to: 'date_to is before date_from' });
	if (to - from > MAX_AGGREGATE_DAYS * 86400) return legacyEnvelope(requestId, 400, [], { date_to: `The range may not exceed ${MAX_AGGREGATE_DAYS} days` });
	const account = text(query.smtp_account);
	const zero = () => Object.fromEntries(['injected', 'ok', 'softbounce', 'hardbounce', 'spambounce', 'dropped', 'deferred', 'feedback', 'open', 'track'].map((status) => [status, 0]));
	const counts: Record<string, Record<string, number>> = {};
	const bucket = (tags: readonly string[]) => {
		const keys = byTag ? tags : ['all'];
		return keys.map((key) => (counts[key] ??= zero()));
	};
	if (!byTag) counts.all = zero();
	for (const message of messages) {
		if (account && message.smtpAccount !== account) continue;
		if (message.createdTime < from || message.createdTime > to) continue;
		for (const target of bucket(message.tags)) target.injected++;
	}
	// Only the events in the range (the log is sorted by time); each carries its message's tags.
	for (let index = firstAtOrAfter(events, from), end = firstAfter(events, to); index < end; index++) {
		const event = events[index];
		if ((account && event.smtpAccount !== account) || event.status === 'injected') continue;
		for (const target of bucket(event.tags)) target[event.status] = (target[event.status] ?? 0) + 1;
	}
	return legacyEnvelope(requestId, 200, byTag ? counts : counts.all);
};
