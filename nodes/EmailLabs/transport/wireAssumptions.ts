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
