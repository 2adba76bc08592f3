/**
 * One delivery / tracking event of a stored message: how it is built, what it changes on the
 * message, and the webhook object it becomes. The event keeps its own copy of what the webhook
 * carries (subject, tags, sender), so the legacy lists can rebuild the same event without the
 * message, even after it changed or was forgotten.
 */
import { STATUS_DESCRIPTIONS } from './constants';
import type { SandboxEvent, StoredMessage } from './types';
import type { WebhookEvent } from './webhooks';

/** Statuses that record a reader's action rather than a delivery outcome. */
export const TRACKING_STATUSES = new Set(['open', 'track']);

export const DEFAULT_CLICK_URL = 'https://example.com/';
export const DEFAULT_TRACKING_IP = '127.0.0.1';
export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (EmailLabs Sandbox)';

export interface EventDetails {
	url?: string;
	ip?: string;
	userAgent?: string;
}

export function buildEvent(id: number, message: StoredMessage, status: string, statusTime: number, details: EventDetails = {}): SandboxEvent {
	return {
		id,
		messageId: message.messageId,
		email: message.to.email,
		toName: message.to.name,
		from: message.from,
		subject: message.subject,
		tags: message.tags,
		smtpAccount: message.smtpAccount,
		status,
		statusTime,
		statusDesc: STATUS_DESCRIPTIONS[status] ?? status,
		injectedTime: message.createdTime,
		...(status === 'track' ? { url: details.url ?? DEFAULT_CLICK_URL } : {}),
		...(TRACKING_STATUSES.has(status) ? { ip: details.ip ?? DEFAULT_TRACKING_IP, userAgent: details.userAgent ?? DEFAULT_USER_AGENT } : {}),
	};
}

/** Adds the event to the message's history; opens and clicks leave the delivery status alone. */
export function applyToMessage(message: StoredMessage, event: SandboxEvent): void {
	message.statuses.push({ status: event.status, statusTime: event.statusTime, statusDesc: event.statusDesc });
	if (!TRACKING_STATUSES.has(event.status)) message.status = event.status;
}

export function toWebhookEvent(event: SandboxEvent): WebhookEvent {
	return {
		smtpAccount: event.smtpAccount,
		to: { email: event.email, name: event.toName, messageId: event.messageId },
		from: { email: event.from.email, name: event.from.name },
		subject: event.subject,
		tags: event.tags.length ? [...event.tags] : null,
		status: event.status,
		statusTime: event.statusTime,
		statusDesc: event.statusDesc,
		allStatuses: [],
		...(event.url !== undefined ? { url: event.url } : {}),
		...(event.ip !== undefined ? { ip: event.ip } : {}),
		...(event.userAgent !== undefined ? { userAgent: event.userAgent } : {}),
	};
}
