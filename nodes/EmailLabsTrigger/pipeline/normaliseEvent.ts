import type { IDataObject } from 'n8n-workflow';

import { EVENT_DEFINITIONS, type EmailLabsEvent, type EventDefinition } from './events';
import { fingerprint } from './fingerprint';
import { epochMsFromNumber, IsoFormatter, parseTimestamp } from './time';

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
 * The one place that holds the tolerance for undocumented field names.
 * The first name of each list is the new-panel (camelCase) name, as a public receiver's tests show
 * it (github.com/aktualnosci-be/pracujbe, tests/unit/emaillabs-webhook.test.ts). The others are
 * guesses for the legacy Event API, whose field names are not publicly documented: plausible
 * snake_case variants as in EmailLabs' legacy REST API and third-party receivers.
 * `a.b` reads property `b` of object `a`. A text field only takes a string (or number), so `to`
 * counts as the recipient address only when it is a plain string.
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
type EventObject = Record<string, unknown>;

/** An event's source values by output field, before clean-up. */
export type SourceFields = Record<Field, unknown>;

const TEXT_FIELDS = new Set<Field>(Object.keys(FIELD_ALIASES).filter((field) => field !== 'statusTime' && field !== 'tags') as Field[]);

const PATHS = Object.entries(FIELD_ALIASES).map(([field, aliases]) => ({
	field: field as Field,
	text: TEXT_FIELDS.has(field as Field),
	paths: aliases.map((alias) => alias.split('.')),
}));

const asObject = (value: unknown): EventObject | undefined =>
	typeof value === 'object' && value !== null ? (value as EventObject) : undefined;

function usable(value: unknown, text: boolean): boolean {
	if (value === undefined || value === null || value === '') return false;
	return !text || typeof value === 'string' || typeof value === 'number';
}

/** Fills every field still undefined from its aliases in FIELD_ALIASES; the first usable one wins. */
function fillFromAliases(event: EventObject, into: SourceFields): SourceFields {
	for (const { field, text, paths } of PATHS) {
		if (into[field] !== undefined) continue;
		for (const path of paths) {
			const value = path.length === 1 ? event[path[0]] : asObject(event[path[0]])?.[path[1]];
			if (usable(value, text)) {
				into[field] = value;
				break;
			}
		}
	}
	return into;
}

/** Every alias of FIELD_ALIASES, first usable one wins: for legacy events and unrecognised shapes. */
export function readAliasedFields(event: EventObject, into: SourceFields): SourceFields {
	for (const { field } of PATHS) into[field] = undefined;
	return fillFromAliases(event, into);
}

/**
 * New-panel events: the first alias of each FIELD_ALIASES entry, read with plain property access
 * because it runs once per event of batches of 10,000 (a test keeps it in step with the table).
 */
export function readNewPanelFields(event: EventObject, into: SourceFields): SourceFields {
	const to = asObject(event.to);
	const from = asObject(event.from);
	into.status = event.status;
	into.statusTime = event.statusTime;
	into.email = to?.email;
	into.recipientName = to?.name;
	into.messageId = to?.messageId;
	into.smtpAccount = event.smtpAccount;
	into.subject = event.subject;
	into.from = from?.email;
	into.fromName = from?.name;
	into.tags = event.tags;
	into.description = event.statusDesc;
	into.url = event.url;
	into.ip = event.ip;
	into.userAgent = event.userAgent;
	return into;
}

export const emptySourceFields = (): SourceFields =>
	Object.fromEntries(Object.keys(FIELD_ALIASES).map((field) => [field, undefined])) as SourceFields;

function text(value: unknown): string | null {
	if (typeof value === 'string') return value === '' ? null : value;
	return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

export function normaliseTags(value: unknown): string[] {
	if (Array.isArray(value)) {
		// Usually already a list of strings: keep it rather than copy it.
		let allStrings = true;
		for (let i = 0; i < value.length && allStrings; i++) allStrings = typeof value[i] === 'string';
		if (allStrings) return value as string[];
		return value.filter((tag) => typeof tag === 'string' || typeof tag === 'number').map(String);
	}
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((tag) => tag.trim())
			.filter((tag) => tag !== '');
	}
	return [];
}

/** Both brackets or none; the Catch-Up Trigger uses the same rule, so that keys agree. */
export function stripAngleBrackets(messageId: string): string {
	return messageId.charCodeAt(0) === 60 && messageId.charCodeAt(messageId.length - 1) === 62
		? messageId.slice(1, -1)
		: messageId;
}

export interface EventContext {
	requestId: string | null;
	isRetry: boolean;
	/** Legacy events are read through every alias of FIELD_ALIASES. */
	legacy: boolean;
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
	/** How the event reached n8n: a webhook, or the Catch-Up Trigger reading EmailLabs' API. */
	source: 'webhook' | 'api';
	raw: IDataObject;
	/** Only on an event with a value the trigger could not read, e.g. a status time that is no date. */
	problem?: string;
}

const identifies = (fields: SourceFields) =>
	text(fields.status) !== null || text(fields.messageId) !== null || text(fields.email) !== null;

/**
 * Turns EmailLabs events into n8n items; `normalise` returns undefined for an object that carries
 * none of status, message id or recipient (not an event, e.g. a panel test body).
 * One normaliser serves one request: it reuses a scratch object across the batch, because every
 * allocation per event makes the garbage collector copy the whole parsed batch more often. (A
 * class rather than a closure: V8 throws away optimised code that embedded a closure of an
 * earlier request once that closure is collected.)
 */
export class EventNormaliser {
	private readonly scratch = emptySourceFields();

	private readonly iso = new IsoFormatter();

	constructor(private readonly context: EventContext) {}

	normalise(event: EventObject): NormalisedEvent | undefined {
		const { context } = this;
		// One alias table for both formats: the new-panel names are read first (plain property
		// access, fast), then any field still missing from its other names.
		const fields = context.legacy ? readAliasedFields(event, this.scratch) : fillFromAliases(event, readNewPanelFields(event, this.scratch));
		if (!identifies(fields)) return undefined;

		const status = text(fields.status);
		const definition = status === null ? undefined : definitionForStatus(status);
		const time = fields.statusTime;
		const occurredMs = typeof time === 'number' ? epochMsFromNumber(time) : parseTimestamp(time);
		const messageId = text(fields.messageId);

		const normalised: NormalisedEvent = {
			event: definition?.event ?? 'other',
			status,
			email: text(fields.email),
			recipientName: text(fields.recipientName),
			messageId: messageId === null ? null : stripAngleBrackets(messageId),
			smtpAccount: text(fields.smtpAccount),
			subject: text(fields.subject),
			from: text(fields.from),
			fromName: text(fields.fromName),
			tags: normaliseTags(fields.tags),
			occurredAt: occurredMs === undefined ? null : this.iso.format(occurredMs),
			timestamp: occurredMs === undefined ? null : Math.floor(occurredMs / 1000),
			description: text(fields.description),
			bounceType: definition?.bounceType ?? null,
			url: text(fields.url),
			ip: text(fields.ip),
			userAgent: text(fields.userAgent),
			requestId: context.requestId,
			isRetry: context.isRetry,
			source: 'webhook',
			raw: event as IDataObject,
		};
		if (occurredMs === undefined && time !== undefined && time !== null && time !== '') {
			normalised.problem = `statusTime is not a readable date: ${describeValue(time)}`;
		}
		return normalised;
	}
}

/** A short, safe rendering of an offending value for a `problem` text. */
function describeValue(value: unknown): string {
	const rendered = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
	return rendered.length > 60 ? `${rendered.slice(0, 57)}...` : rendered;
}

/**
 * An event the normaliser could not read at all (it threw): kept as `other` with the reason, so
 * that it never takes the other events of its batch down with it.
 */
export function unreadableEvent(event: EventObject, error: Error, requestId: string | null): NormalisedEvent {
	return {
		event: 'other',
		status: null,
		email: null,
		recipientName: null,
		messageId: null,
		smtpAccount: null,
		subject: null,
		from: null,
		fromName: null,
		tags: [],
		occurredAt: null,
		timestamp: null,
		description: null,
		bounceType: null,
		url: null,
		ip: null,
		userAgent: null,
		requestId,
		isRetry: false,
		source: 'webhook',
		raw: event as IDataObject,
		problem: `the event could not be read: ${error?.message ?? String(error)}`,
	};
}

/** One event; for batches, create one EventNormaliser per request instead. */
export function normaliseEvent(event: EventObject, context: EventContext): NormalisedEvent | undefined {
	return new EventNormaliser(context).normalise(event);
}

/**
 * De-duplication key of an event: a 53-bit fingerprint of message id (or recipient) + status +
 * status time, plus the URL so that two clicks on different links in the same second stay
 * distinct. A number rather than the joined string: no string is built per event, and the
 * persisted list is a third of the size (n8n saves static data after every request). With at
 * most 20,000 keys compared, a collision has a probability of about 2e-8 per batch.
 * Undefined when the event has no time or no identity: such a key would merge distinct events.
 */
export function eventKey(event: NormalisedEvent): number | undefined {
	const identity = event.messageId ?? event.email;
	if (identity === null || event.timestamp === null) return undefined;
	return fingerprint(identity, event.status ?? '', event.timestamp, event.url ?? '');
}
