import type { IDataObject } from 'n8n-workflow';

import { epochMsFromNumber, isoStringFromEpochMs, parseTimestamp } from './time';

export type EmailLabsEvent =
	| 'delivered'
	| 'softBounce'
	| 'hardBounce'
	| 'spamBounce'
	| 'dropped'
	| 'deferred'
	| 'opened'
	| 'clicked'
	| 'spamComplaint'
	| 'injected'
	| 'unsubscribed'
	| 'other';

export interface EventDefinition {
	event: Exclude<EmailLabsEvent, 'other'>;
	displayName: string;
	/** Status values that mean this event, lower case, without separators; the first is EmailLabs' own. */
	statuses: string[];
	bounceType?: 'hard' | 'soft' | 'spam';
	description: string;
}

/** The events the node offers, and the EmailLabs statuses behind each (vendor status list, §4.2). */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
	{ event: 'delivered', displayName: 'Delivered', statuses: ['ok', 'delivered'], description: 'Status ok: accepted by the recipient server. Must be enabled by EmailLabs support.' },
	{ event: 'softBounce', displayName: 'Soft Bounce', statuses: ['softbounce'], bounceType: 'soft', description: 'Temporary failure (full mailbox, server down)' },
	{ event: 'hardBounce', displayName: 'Hard Bounce', statuses: ['hardbounce'], bounceType: 'hard', description: 'Permanent failure; EmailLabs blacklists the address' },
	{ event: 'spamBounce', displayName: 'Spam Bounce', statuses: ['spambounce'], bounceType: 'spam', description: 'Rejected by the recipient server as spam' },
	{ event: 'dropped', displayName: 'Dropped', statuses: ['dropped'], description: 'Not sent because the address is blacklisted' },
	{ event: 'deferred', displayName: 'Deferred', statuses: ['deferred'], description: 'Temporarily held; EmailLabs retries for 48 hours' },
	{ event: 'opened', displayName: 'Opened', statuses: ['open', 'opened'], description: 'Status open' },
	{ event: 'clicked', displayName: 'Clicked', statuses: ['track', 'click', 'clicked'], description: 'Status track: a link was clicked' },
	{ event: 'spamComplaint', displayName: 'Spam Complaint', statuses: ['feedback', 'spamcomplaint', 'complaint'], description: 'Status feedback: the recipient reported spam (FBL)' },
	{ event: 'injected', displayName: 'Injected', statuses: ['injected'], description: 'Accepted into EmailLabs (one per message, usually noise)' },
	{ event: 'unsubscribed', displayName: 'Unsubscribed', statuses: ['unsubscribe', 'unsubscribed', 'oneclickunsubscribe'], description: 'Unsubscribe report, where the channel sends one' },
];

const DEFINITION_BY_STATUS = new Map<string, EventDefinition>(
	EVENT_DEFINITIONS.flatMap((definition) => definition.statuses.map((status) => [status, definition] as const)),
);

function definitionForStatus(status: string): EventDefinition | undefined {
	const direct = DEFINITION_BY_STATUS.get(status);
	if (direct !== undefined) return direct;
	// Slow path, only for spellings like `Soft_Bounce` or `one-click unsubscribe`.
	return DEFINITION_BY_STATUS.get(status.toLowerCase().replace(/[^a-z]/g, ''));
}

export function eventFromStatus(status: string | undefined): EmailLabsEvent {
	return (status && definitionForStatus(status)?.event) || 'other';
}

/**
 * ASSUMPTION - the one place that decides which payload field feeds which output field.
 * The first name of each list is the new-panel (documented, camelCase) name. The others are
 * guesses for the legacy Event API, whose field names are not documented anywhere we could read:
 * plausible snake_case variants seen in EmailLabs' legacy REST API and in third-party receivers.
 * `a.b` reads property `b` of object `a`. A string field only takes string (or number) values, so
 * `to` is used as the recipient address only when it is a plain string.
 */
const FIELD_ALIASES = {
	status: ['status', 'event'],
	statusTime: ['statusTime', 'created_at', 'time', 'timestamp'],
	email: ['to.email', 'to', 'email'],
	recipientName: ['to.name', 'to_name'],
	messageId: ['to.messageId', 'messageId', 'to.message_id', 'message_id', 'msgid'],
	smtpAccount: ['smtpAccount', 'account', 'smtp_account'],
	subject: ['subject'],
	from: ['from.email', 'from', 'from_email'],
	fromName: ['from.name', 'from_name'],
	tags: ['tags'],
	description: ['statusDesc', 'desc', 'description', 'reason'],
	url: ['url', 'link'],
	ip: ['ip'],
	userAgent: ['userAgent', 'user_agent', 'ua', 'os'],
} as const;

type Field = keyof typeof FIELD_ALIASES;
type Path = readonly [string] | readonly [string, string];

const PATHS = Object.fromEntries(
	Object.entries(FIELD_ALIASES).map(([field, aliases]) => [
		field,
		aliases.map((alias) => alias.split('.') as unknown as Path),
	]),
) as Record<Field, Path[]>;

type EventObject = Record<string, unknown>;

function readPath(event: EventObject, path: Path): unknown {
	const value = event[path[0]];
	if (path.length === 1) return value;
	return typeof value === 'object' && value !== null ? (value as EventObject)[path[1]] : undefined;
}

function readString(event: EventObject, field: Field): string | null {
	for (const path of PATHS[field]) {
		const value = readPath(event, path);
		if (typeof value === 'string') {
			if (value !== '') return value;
		} else if (typeof value === 'number' && Number.isFinite(value)) {
			return String(value);
		}
	}
	return null;
}

function readAny(event: EventObject, field: Field): unknown {
	for (const path of PATHS[field]) {
		const value = readPath(event, path);
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

function normaliseTags(value: unknown): string[] {
	if (Array.isArray(value)) {
		const tags: string[] = [];
		for (const tag of value) if (typeof tag === 'string' || typeof tag === 'number') tags.push(String(tag));
		return tags;
	}
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((tag) => tag.trim())
			.filter((tag) => tag !== '');
	}
	return [];
}

function stripAngleBrackets(messageId: string): string {
	return messageId.charCodeAt(0) === 60 && messageId.charCodeAt(messageId.length - 1) === 62
		? messageId.slice(1, -1)
		: messageId;
}

export interface EventContext {
	requestId: string | null;
	isRetry: boolean;
}

export interface NormalisedEvent extends IDataObject {
	event: EmailLabsEvent;
	status: string | null;
	email: string | null;
	recipientName: string | null;
	messageId: string | null;
	smtpAccount: string | null;
	subject: string | null;
	from: string | null;
	fromName: string | null;
	tags: string[];
	occurredAt: string | null;
	timestamp: number | null;
	description: string | null;
	bounceType: 'hard' | 'soft' | 'spam' | null;
	url: string | null;
	ip: string | null;
	userAgent: string | null;
	requestId: string | null;
	isRetry: boolean;
	raw: IDataObject;
}

/**
 * One EmailLabs event as an n8n item, or undefined for an object that carries none of status,
 * message id or recipient (not an event, e.g. the body of a panel test call).
 */
export function normaliseEvent(event: EventObject, context: EventContext): NormalisedEvent | undefined {
	const status = readString(event, 'status');
	const messageIdRaw = readString(event, 'messageId');
	const email = readString(event, 'email');
	if (status === null && messageIdRaw === null && email === null) return undefined;

	const definition = status === null ? undefined : definitionForStatus(status);
	const time = readAny(event, 'statusTime');
	const occurredMs = typeof time === 'number' ? epochMsFromNumber(time) : parseTimestamp(time);

	return {
		event: definition?.event ?? 'other',
		status,
		email,
		recipientName: readString(event, 'recipientName'),
		messageId: messageIdRaw === null ? null : stripAngleBrackets(messageIdRaw),
		smtpAccount: readString(event, 'smtpAccount'),
		subject: readString(event, 'subject'),
		from: readString(event, 'from'),
		fromName: readString(event, 'fromName'),
		tags: normaliseTags(readAny(event, 'tags')),
		occurredAt: occurredMs === undefined ? null : isoStringFromEpochMs(occurredMs),
		timestamp: occurredMs === undefined ? null : Math.floor(occurredMs / 1000),
		description: readString(event, 'description'),
		bounceType: definition?.bounceType ?? null,
		url: readString(event, 'url'),
		ip: readString(event, 'ip'),
		userAgent: readString(event, 'userAgent'),
		requestId: context.requestId,
		isRetry: context.isRetry,
		raw: event as IDataObject,
	};
}

/**
 * De-duplication key of an event: message id (or recipient) + status + status time, plus the URL
 * so that two clicks on different links in the same second stay distinct. Undefined when the event
 * has no time or no identity, since such a key would merge distinct events.
 */
export function eventKey(event: NormalisedEvent): string | undefined {
	const identity = event.messageId ?? event.email;
	if (identity === null || event.timestamp === null) return undefined;
	const key = `${identity}|${event.status ?? ''}|${event.timestamp}`;
	return event.url === null ? key : `${key}|${event.url}`;
}
