import type { IDataObject } from 'n8n-workflow';

import { bareMessageId } from './message';
import type { PhpFormValue } from './phpForm';

/**
 * Every EmailLabs wire detail that no official document confirms lives here, so that a
 * correction is a one-line change. Each entry names the sources it rests on.
 */

/**
 * List paging: the next `offset` after a page. Legacy `offset` is taken as a row offset, not a
 * page number: the official PHP library's examples call it "Start at row"
 * (github.com/emaillabs/emaillabs-php-api, examples/Emails.php), and two public Python clients
 * that page through `emails` and `blacklists` add `limit` to it; only the old vendor page
 * "Pobieranie otwarć wiadomości" (http://docs.emaillabs.pl/api/logi-i-zdarzenia/pobieranie-otwarc-wiadomosci/)
 * calls it a page number.
 */
export const nextOffset = (offset: number, receivedRows: number): number => offset + receivedRows;

/** Legacy list page size for "Return All" (clients use 100 to 500; no documented maximum). */
export const LEGACY_PAGE_SIZE = 500;

/**
 * v2.1 list page size: the sister product MessageFlow documents limit ≤ 1000 on its v2.1 lists
 * (MessageFlow API reference, https://dev.messageflow.com/emails).
 */
export const V2_PAGE_SIZE = 500;

/**
 * Legacy `filter` ranges take Unix seconds: the official PHP library's examples pass strtotime()
 * values (github.com/emaillabs/emaillabs-php-api, examples/Emails.php).
 */
export const toLegacyFilterTime = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Legacy `add_template`: the text part is `txt` in the official PHP library
 * (github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Actions/AddTemplate.php) but `text` in
 * three clients (github.com/RapidSoftwareSolutions/Marketplace-EmailLabs-Package, control.json;
 * github.com/michalper/emaillabs_api, lib/EmailLabs.php; github.com/Pumbakos/Newsler,
 * src/main/java/pl/newsler/components/emaillabs/ELATemplateParam.java). Both are sent; the
 * server ignores the one it does not know.
 */
export const LEGACY_TEMPLATE_TEXT_FIELDS = ['txt', 'text'] as const;

/**
 * Legacy template deletion: only one client has it, with the vendor's misspelling
 * (github.com/Pumbakos/Newsler, src/main/java/pl/newsler/components/emaillabs/ELARequestPoint.java).
 */
export const LEGACY_DELETE_TEMPLATE_PATH = (templateId: string) =>
	`delete_temlate/${encodeURIComponent(templateId)}`;

/**
 * Legacy `new_sendmail` answers `data` as objects mapping each recipient to its Message-ID, and
 * a client notes that the value may instead be an error text for that recipient
 * (github.com/plotkabytes/Emaillabs-sendmail-example, Program.cs).
 * A value that looks like a Message-ID (no white space, has `@`) is taken as success.
 */
export function looksLikeMessageId(value: unknown): value is string {
	return typeof value === 'string' && value.includes('@') && !/\s/.test(value.trim());
}

/**
 * v2.1 template endpoints are documented for the sister product MessageFlow (same vendor,
 * same v2.1 scheme and headers; MessageFlow API reference, https://dev.messageflow.com/emails)
 * and assumed for EmailLabs.
 */
export const V2_TEMPLATE_PATH = 'email/template';

/**
 * v2.1 email log filters that public clients use: github.com/aktualnosci-be/pracujbe
 * (src/lib/email/transport/emaillabs.ts) and github.com/woogitsu/kuking.pl
 * (app/Poczta/TransportEmailLabs.php). Others are refused, not guessed.
 */
export const V2_EMAIL_LIST_FILTERS = ['messageId', 'smtpAccount'] as const;

/*
 * Where to ask whether EmailLabs accepted a message, by the Message ID the node chose, after a
 * send failed ambiguously. Legacy: `GET emails` with `filter[message_id]=<id>` (filter field named
 * in the official PHP library github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Tools/EmailLabsFilter.php,
 * and in github.com/RapidSoftwareSolutions/Marketplace-EmailLabs-Package, control.json); "nothing
 * found" is a 404 "No items" answer. v2.1: `GET email?messageId=<id>&limit=1`, as the public
 * receiver in github.com/aktualnosci-be/pracujbe (src/lib/email/transport/emaillabs.ts) does
 * before re-sending. Not confirmed: that an accepted message is listed there at once, so
 * deliverBatch waits before asking.
 */
export const legacyMessageLookup = (messageId: string): { path: string; query: Record<string, PhpFormValue> } => ({
	path: 'emails',
	query: { filter: { message_id: messageId }, limit: 1 },
});

export const v2MessageLookup = (messageId: string): { path: string; query: Record<string, PhpFormValue> } => ({
	path: 'email',
	query: { messageId, limit: 1 },
});

/** The Message ID of a row of those answers (legacy `message_id`/`msgid`, v2.1 `to.messageId`), without angle brackets. */
export function rowMessageId(row: IDataObject): string | undefined {
	const to = row.to as IDataObject | undefined;
	const value = row.message_id ?? row.msgid ?? row.messageId ?? (typeof to === 'object' && to !== null ? to.messageId : undefined);
	return typeof value === 'string' ? bareMessageId(value) : undefined;
}

/*
 * Reading delivery events back from the legacy API (EmailLabs Catch-Up Trigger). The endpoints
 * `smtp_events/{status}`, `opens` and `clicks` are in the official PHP library
 * (github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Actions/SmtpEvents.php, OpenTracking.php,
 * ClickTracking.php); what follows is what no document states outright.
 */

/** The legacy event lists the catch-up trigger reads. */
export type LegacyEventList = 'smtp_events' | 'opens' | 'clicks';

/**
 * Rows whose time lies in [from, to] (Unix seconds). `smtp_events` takes `from_time` ("Required
 * data" in github.com/emaillabs/emaillabs-php-api, examples/SmtpEvents.php) and `to_time`
 * (github.com/RapidSoftwareSolutions/Marketplace-EmailLabs-Package, control.json,
 * getSendEmailsByEvent); `opens` and `clicks` take only the `created_at.from` / `created_at.to`
 * filter, with strtotime() values (examples/OpenTracking.php and examples/ClickTracking.php of the
 * PHP library). Whether the bounds are inclusive is not documented: they are taken as inclusive,
 * and the trigger always re-reads at least CATCH_UP_MIN_OVERLAP_SECONDS before its cursor, so an
 * exclusive lower bound loses nothing either.
 */
export function legacyEventTimeRange(
	list: LegacyEventList,
	fromSeconds: number,
	toSeconds: number,
): { query: Record<string, PhpFormValue>; filter: Record<string, number> } {
	if (list === 'smtp_events') return { query: { from_time: fromSeconds, to_time: toSeconds }, filter: {} };
	return { query: {}, filter: { 'created_at.from': fromSeconds, 'created_at.to': toSeconds } };
}

/** See legacyEventTimeRange: the catch-up trigger never starts a window exactly at its cursor. */
export const CATCH_UP_MIN_OVERLAP_SECONDS = 1;

/**
 * Oldest first: `sort=created_at` (ascending; `-created_at` descending), as the PHP library's
 * examples write it (github.com/emaillabs/emaillabs-php-api, examples/SmtpEvents.php, "//ASC").
 * The cursor relies on this order; a page that arrives out of order keeps the cursor where it
 * was (de-duplication then carries the progress).
 */
export const LEGACY_EVENT_SORT_ASCENDING = 'created_at';
export const LEGACY_EVENT_SORT_DESCENDING = '-created_at';

/**
 * Largest page the catch-up trigger asks for. No maximum is documented; 500 is the largest
 * `limit` public clients use (see LEGACY_PAGE_SIZE).
 */
export const LEGACY_EVENT_MAX_PAGE_SIZE = LEGACY_PAGE_SIZE;

/**
 * Opens and clicks are kept "max from last 3 days" (comments in github.com/emaillabs/emaillabs-php-api,
 * examples/OpenTracking.php and examples/ClickTracking.php); older ones cannot be caught up.
 */
export const LEGACY_ACTIVITY_RETENTION_DAYS = 3;

/**
 * Field names of an event row, first match wins. The old vendor page "Pobieranie otwarć
 * wiadomości" (http://docs.emaillabs.pl/api/logi-i-zdarzenia/pobieranie-otwarc-wiadomosci/) lists
 * msgid, date, to, user (the SMTP account), link, ip, os, created_at, updated_at, id, tags for
 * opens; the same shape is assumed for clicks and `smtp_events` rows, plus the `message_id`,
 * `account` and `description` spellings of the `emails` log and the action node's filters.
 * `created_at` is taken as the time of the event itself (the status time a webhook sends as
 * `statusTime`), `YYYY-MM-DD HH:MM:SS` read as UTC like the webhook trigger reads dates (the
 * zone is not documented; if EmailLabs writes Polish local time, API and webhook keys of one
 * event differ and the cursor runs ahead by the zone offset).
 */
export const LEGACY_EVENT_ROW_FIELDS = {
	time: ['created_at', 'date'],
	messageId: ['message_id', 'msgid'],
	email: ['to', 'email'],
	recipientName: ['to_name'],
	smtpAccount: ['account', 'user', 'smtp_account'],
	subject: ['subject'],
	from: ['from'],
	fromName: ['from_name'],
	tags: ['tags'],
	description: ['description', 'desc', 'reason'],
	url: ['link', 'url'],
	ip: ['ip'],
	userAgent: ['user_agent', 'useragent', 'os'],
} as const;

/**
 * The status name of an event row is the one of the list it came from: `smtp_events/{status}`,
 * `open` for `opens`, `track` for `clicks` (the vendor's status list "Statusy wiadomości",
 * https://docs.emaillabs.io/panel-analityczny/dostarczalnosc-wiadomosci/statusy-wiadomosci).
 * Webhooks are assumed to carry the same names in `status`, so that the de-duplication key of one
 * event (Message-ID without angle brackets, status, time in whole seconds, click URL; see
 * eventKey in nodes/EmailLabsTrigger/pipeline/normaliseEvent.ts) is the same by either path.
 */
export const LEGACY_ACTIVITY_STATUS: Readonly<Record<'opens' | 'clicks', string>> = { opens: 'open', clicks: 'track' };

/**
 * The SMTP account filter of the event lists: `filter=account::<name>`. The PHP library names
 * `account` for opens (github.com/emaillabs/emaillabs-php-api, examples/OpenTracking.php), but
 * its SmtpEvents action allows only the date filters (src/EmailLabs/Actions/SmtpEvents.php), so
 * rows of another account are also dropped by the trigger itself.
 */
export const LEGACY_EVENT_ACCOUNT_FILTER = 'account';

/**
 * API v2.1 has no documented way to list events by time: public clients only read
 * `GET /v2.1/email` by `messageId` / `smtpAccount` with `limit` (github.com/aktualnosci-be/pracujbe,
 * src/lib/email/transport/emaillabs.ts; github.com/woogitsu/kuking.pl, app/Poczta/TransportEmailLabs.php),
 * which gives the latest status of known messages, not a time-ordered event log. No opens or
 * clicks endpoint is evidenced for EmailLabs v2.1 (MessageFlow, the sister product, mentions them
 * without paths: https://dev.messageflow.com/emails).
 */
export const V2_EVENT_LISTING_GAP =
	'API v2.1 has no documented way to list events by time (its only documented read is GET /v2.1/email for given Message-IDs or an SMTP account, which gives the latest status of known messages)';
