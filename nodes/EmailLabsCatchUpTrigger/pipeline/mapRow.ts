import type { IDataObject } from 'n8n-workflow';

import { LEGACY_EVENT_ROW_FIELDS } from '../../EmailLabs/transport/wireAssumptions';
import { normaliseTags, stripAngleBrackets, type NormalisedEvent } from '../../EmailLabsTrigger/pipeline/normaliseEvent';
import { epochMsFromNumber, parseTimestamp } from '../../EmailLabsTrigger/pipeline/time';
import type { EventStream } from './streams';

/**
 * An event row of the legacy API as the same NormalisedEvent the EmailLabs Trigger makes of a
 * webhook, plus `source: "api"`. Pure. The status comes from the list the row was read from, the
 * time from `created_at` (see LEGACY_EVENT_ROW_FIELDS for the field names and their sources).
 */

type Field = keyof typeof LEGACY_EVENT_ROW_FIELDS;

function first(row: IDataObject, field: Field): unknown {
	for (const name of LEGACY_EVENT_ROW_FIELDS[field]) {
		const value = row[name];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

/** Text fields take the first string or number only, as in the webhook normaliser (`to` may be an object). */
function text(row: IDataObject, field: Field): string | null {
	for (const name of LEGACY_EVENT_ROW_FIELDS[field]) {
		const value = row[name];
		if (typeof value === 'string' && value !== '') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return null;
}

export function mapApiRow(row: IDataObject, stream: EventStream, requestId: string | null): NormalisedEvent {
	const time = first(row, 'time');
	const occurredMs = typeof time === 'number' ? epochMsFromNumber(time) : parseTimestamp(time);
	const messageId = text(row, 'messageId');
	const event: NormalisedEvent = {
		event: stream.event,
		status: stream.status,
		email: text(row, 'email'),
		recipientName: text(row, 'recipientName'),
		messageId: messageId === null ? null : stripAngleBrackets(messageId),
		smtpAccount: text(row, 'smtpAccount'),
		subject: text(row, 'subject'),
		from: text(row, 'from'),
		fromName: text(row, 'fromName'),
		tags: normaliseTags(first(row, 'tags')),
		occurredAt: occurredMs === undefined ? null : new Date(occurredMs).toISOString(),
		timestamp: occurredMs === undefined ? null : Math.floor(occurredMs / 1000),
		description: text(row, 'description'),
		bounceType: stream.definition.bounceType ?? null,
		// Open rows may carry a `link` too, but webhooks give a URL for clicks only: keys must agree.
		url: stream.list === 'clicks' ? text(row, 'url') : null,
		ip: text(row, 'ip'),
		userAgent: text(row, 'userAgent'),
		requestId,
		isRetry: false,
		source: 'api',
		raw: row,
	};
	if (occurredMs === undefined) {
		event.problem = time === undefined ? 'the row has no created_at time' : `created_at is not a readable date: ${String(JSON.stringify(time)).slice(0, 60)}`;
	}
	return event;
}
