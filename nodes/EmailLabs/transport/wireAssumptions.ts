import type { IDataObject } from 'n8n-workflow';

import type { PhpFormValue } from './phpForm';

/**
 * Every EmailLabs wire detail that no official document confirms lives here, so that a
 * correction is a one-line change. Each entry names its evidence (labels from
 * shared/reference/emaillabs-api.md: official, client, secondhand, inferred).
 */

/**
 * List paging: the next `offset` after a page. Legacy `offset` is taken as a row offset, not a
 * page number (client C12 and the official examples' "Start at row"; D4 calls it a page number).
 */
export const nextOffset = (offset: number, receivedRows: number): number => offset + receivedRows;

/** Legacy list page size for "Return All" (clients use 100 to 500; no documented maximum). */
export const LEGACY_PAGE_SIZE = 500;

/** v2.1 list page size (MessageFlow documents limit ≤ 1000 on its v2.1 lists). */
export const V2_PAGE_SIZE = 500;

/** Legacy `filter` ranges take Unix seconds (the official library passes strtotime() values). */
export const toLegacyFilterTime = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Legacy `add_template`: the text part is `txt` in the official library but `text` in three
 * clients. Both are sent; the server ignores the one it does not know.
 */
export const LEGACY_TEMPLATE_TEXT_FIELDS = ['txt', 'text'] as const;

/** Legacy template deletion: only one client (C9) has it, with the vendor's misspelling. */
export const LEGACY_DELETE_TEMPLATE_PATH = (templateId: string) =>
	`delete_temlate/${encodeURIComponent(templateId)}`;

/**
 * Legacy `new_sendmail` answers `data` as objects mapping each recipient to its Message-ID,
 * and a client notes that the value may instead be an error text for that recipient (C5).
 * A value that looks like a Message-ID (no white space, has `@`) is taken as success.
 */
export function looksLikeMessageId(value: unknown): value is string {
	return typeof value === 'string' && value.includes('@') && !/\s/.test(value.trim());
}

/**
 * v2.1 template endpoints are documented for the sister product MessageFlow (same vendor,
 * same v2.1 scheme and headers) and inferred for EmailLabs.
 */
export const V2_TEMPLATE_PATH = 'email/template';

/** v2.1 status list filters with evidence (secondhand V1/V3): others are refused, not guessed. */
export const V2_EMAIL_LIST_FILTERS = ['messageId', 'smtpAccount'] as const;

/**
 * Where to ask whether EmailLabs accepted a message, by the Message ID the node chose, after a
 * send failed ambiguously. Legacy: `GET emails` with `filter[message_id]=<id>` (filter field named
 * in the official PHP library github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Tools/EmailLabsFilter.php,
 * and in RapidSoftwareSolutions/Marketplace-EmailLabs-Package control.json); "nothing found" is
 * a 404 "No items" answer. v2.1: `GET email?messageId=<id>&limit=1`, as the public receiver in
 * github.com/aktualnosci-be/pracujbe (src/lib/email/transport/emaillabs.ts) does before re-sending.
 * UNVERIFIED: that an accepted message is listed there at once; sendMessages waits before asking.
 */
export function messageLookup(generation: 'legacy' | 'v2', messageId: string): { path: string; query: Record<string, PhpFormValue> } {
	return generation === 'legacy'
		? { path: 'emails', query: { filter: { message_id: messageId }, limit: 1 } }
		: { path: 'email', query: { messageId, limit: 1 } };
}

/** The Message ID of a row of those answers (legacy `message_id`/`msgid`, v2.1 `to.messageId`), without angle brackets. */
export function rowMessageId(row: IDataObject): string | undefined {
	const to = row.to as IDataObject | undefined;
	const value = row.message_id ?? row.msgid ?? row.messageId ?? (typeof to === 'object' && to !== null ? to.messageId : undefined);
	return typeof value === 'string' ? value.trim().replace(/^<|>$/g, '') : undefined;
}
