/**
 * Read side of the legacy API: paged and filtered lists, the row shapes of `emails` and the
 * event lists, and the `agregate` / `agregate_tags` counters.
 */
import { MAX_AGGREGATE_DAYS } from './constants';
import { applyLegacyFilter, applySort, formatDate, page, toSeconds } from './render';
import type { SandboxState } from './state';
import type { Reply, SandboxEvent, StoredMessage } from './types';
import { legacyEnvelope, text } from './wire';

export const legacyList = (requestId: string, rows: Array<Record<string, unknown>>, query: Record<string, unknown>, aliases: Record<string, string[]> = {}) => {
	const filtered = applySort(applyLegacyFilter(rows, query.filter, aliases), query.sort);
	const pageRows = page(filtered, query.offset, query.limit);
	if (!pageRows.length) return legacyEnvelope(requestId, 404, [], 'No items', { number_of_elements: filtered.length });
	return legacyEnvelope(requestId, 200, pageRows, 'Action completed', { number_of_elements: filtered.length });
};

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

export const legacyEventRow = (messages: readonly StoredMessage[]) => (event: SandboxEvent) => {
	const message = messages.find((entry) => entry.messageId === event.messageId);
	return {
		id: event.id,
		msgid: event.messageId,
		message_id: event.messageId,
		account: event.smtpAccount,
		user: event.smtpAccount,
		to: event.email,
		from: message?.from.email,
		subject: message?.subject,
		tags: message?.tags ?? [],
		status: event.status,
		description: event.statusDesc,
		date: formatDate(new Date(event.statusTime * 1000)),
		created_at: formatDate(new Date(event.statusTime * 1000)),
		injected_time: message?.createdAt,
		...(event.url !== undefined ? { link: event.url } : {}),
		...(event.ip !== undefined ? { ip: event.ip, user_agent: event.userAgent, os: 'Sandbox' } : {}),
	};
};

export const aggregate = (state: SandboxState, requestId: string, query: Record<string, unknown>, byTag: boolean): Reply => {
	const { messages, events } = state;
	const from = toSeconds(query.date_from);
	const to = toSeconds(query.date_to);
	if (from === undefined || to === undefined) return legacyEnvelope(requestId, 400, [], { date_from: 'date_from and date_to are required (Unix time)' });
	if (to < from) return legacyEnvelope(requestId, 400, [], { date_to: 'date_to is before date_from' });
	if (to - from > MAX_AGGREGATE_DAYS * 86400) return legacyEnvelope(requestId, 400, [], { date_to: `The range may not exceed ${MAX_AGGREGATE_DAYS} days` });
	const account = text(query.smtp_account);
	const zero = () => Object.fromEntries(['injected', 'ok', 'softbounce', 'hardbounce', 'spambounce', 'dropped', 'deferred', 'feedback', 'open', 'track'].map((status) => [status, 0]));
	const counts: Record<string, Record<string, number>> = {};
	const bucket = (message: StoredMessage | undefined) => {
		const keys = byTag ? (message?.tags.length ? message.tags : []) : ['all'];
		return keys.map((key) => (counts[key] ??= zero()));
	};
	if (!byTag) counts.all = zero();
	for (const message of messages) {
		if (account && message.smtpAccount !== account) continue;
		if (message.createdTime < from || message.createdTime > to) continue;
		for (const target of bucket(message)) target.injected++;
	}
	for (const event of events) {
		if (account && event.smtpAccount !== account) continue;
		if (event.statusTime < from || event.statusTime > to || event.status === 'injected') continue;
		const message = messages.find((entry) => entry.messageId === event.messageId);
		for (const target of bucket(message)) target[event.status] = (target[event.status] ?? 0) + 1;
	}
	return legacyEnvelope(requestId, 200, byTag ? counts : counts.all);
};
