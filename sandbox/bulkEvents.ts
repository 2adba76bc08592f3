/**
 * Bulk events for benchmarks and tests (`POST /_sandbox/events/bulk`): n messages with one event
 * each, their times spread evenly over a range, stored in one go and without webhooks or other
 * side effects (no blacklisting), so 100,000 of them take well under a second.
 */
import { randomBytes } from 'node:crypto';

import { STATUS_ALIASES, STATUS_DESCRIPTIONS } from './constants';
import { applyToMessage, buildEvent } from './events';
import { formatDate, isPlainObject } from './render';
import type { SandboxEvent, StoredMessage } from './types';
import { lower, nowSeconds, text } from './wire';

export const MAX_BULK_EVENTS = 1_000_000;
// Shared by every bulk message (nothing changes them): fewer objects make 100,000 messages quick.
const BULK_SENDER = Object.freeze({ email: 'bulk@sandbox.emaillabs.local', name: 'Sandbox bulk' });
const BULK_TAGS = Object.freeze(['bulk']) as string[];
const NONE = Object.freeze([]) as never[];
const NO_FIELDS = Object.freeze({});

export interface BulkEventsInput {
	count: number;
	/** Any status name of `POST /_sandbox/events` (delivered, open, click, hardbounce, …); default ok. */
	status?: string;
	/** Unix seconds of the first and the last event; default both now. */
	fromUnix?: number;
	toUnix?: number;
	/** Default: the first sandbox SMTP account. */
	smtpAccount?: string;
}

export interface BulkEventsResult {
	count: number;
	status: string;
	smtpAccount: string;
	fromUnix: number;
	toUnix: number;
	/** Message ids are `bulk-<batch>-<index>@sandbox.emaillabs.local`, index 0 … count − 1. */
	firstMessageId: string;
	lastMessageId: string;
}

/** A validated request: status normalised, defaults filled in. Throws with a readable message. */
export function parseBulkEventsInput(value: unknown, smtpAccounts: readonly string[]): Required<BulkEventsInput> {
	if (!isPlainObject(value)) throw new Error('Send {"count": n, "status": "ok", "fromUnix": s, "toUnix": s, "smtpAccount"?: name}');
	const count = Number(value.count);
	if (!Number.isInteger(count) || count < 1 || count > MAX_BULK_EVENTS) throw new Error(`count must be a whole number from 1 to ${MAX_BULK_EVENTS}`);
	const requested = text(value.status) || 'ok';
	const status = STATUS_ALIASES[requested] ?? STATUS_ALIASES[lower(requested)];
	if (!status || status === 'injected') throw new Error(`Unknown event status ${requested} (use one of ${Object.keys(STATUS_ALIASES).filter((name) => name !== 'injected').join(', ')})`);
	const toUnix = value.toUnix === undefined ? nowSeconds() : Number(value.toUnix);
	const fromUnix = value.fromUnix === undefined ? toUnix : Number(value.fromUnix);
	if (!Number.isInteger(fromUnix) || !Number.isInteger(toUnix) || fromUnix < 0 || toUnix < fromUnix) {
		throw new Error('fromUnix and toUnix must be whole Unix seconds with fromUnix ≤ toUnix');
	}
	const smtpAccount = text(value.smtpAccount) || smtpAccounts[0];
	if (!smtpAccounts.includes(smtpAccount)) throw new Error(`SMTP account ${smtpAccount} does not exist (sandbox accounts: ${smtpAccounts.join(', ')})`);
	return { count, status, fromUnix, toUnix, smtpAccount };
}

/** The messages and their events, oldest first; ids come from `nextId` like every other event. */
export function buildBulkEvents(input: Required<BulkEventsInput>, nextId: () => number) {
	const { count, status, fromUnix, toUnix, smtpAccount } = input;
	const batch = randomBytes(4).toString('hex');
	const span = toUnix - fromUnix;
	const messages: StoredMessage[] = [];
	const events: SandboxEvent[] = [];
	// Many events share a second: format each date once.
	let lastTime = -1;
	let lastDate = '';
	for (let index = 0; index < count; index++) {
		const time = count === 1 ? fromUnix : fromUnix + Math.floor((index * span) / (count - 1));
		if (time !== lastTime) [lastTime, lastDate] = [time, formatDate(new Date(time * 1000))];
		const messageId = `bulk-${batch}-${index}@sandbox.emaillabs.local`;
		const message: StoredMessage = {
			messageId,
			api: 'legacy',
			endpoint: '_sandbox/events/bulk',
			requestId: batch,
			smtpAccount,
			from: BULK_SENDER,
			to: { email: `bulk-${batch}-${index}@example.com`, name: '' },
			cc: NONE,
			bcc: NONE,
			subject: 'Sandbox bulk message',
			text: 'Created by POST /_sandbox/events/bulk',
			vars: NO_FIELDS,
			tags: BULK_TAGS,
			headers: NO_FIELDS,
			attachments: NONE,
			status: 'injected',
			statuses: [{ status: 'injected', statusTime: time, statusDesc: STATUS_DESCRIPTIONS.injected }],
			createdAt: lastDate,
			createdTime: time,
		};
		const event = buildEvent(nextId(), message, status, time);
		applyToMessage(message, event);
		messages.push(message);
		events.push(event);
	}
	const result: BulkEventsResult = {
		count,
		status,
		smtpAccount,
		fromUnix,
		toUnix,
		firstMessageId: messages[0].messageId,
		lastMessageId: messages[messages.length - 1].messageId,
	};
	return { messages, events, result };
}
