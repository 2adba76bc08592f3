/**
 * Shapes of the EmailLabs sandbox: its options, what it stores, its public handle and the
 * request / reply passed between the HTTP shell and the API modules.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { BulkEventsInput, BulkEventsResult } from './bulkEvents';
import type { ChatMessage } from './chat';
import type { FaultMode, FaultReport, FaultRule } from './faults';
import type { Vars } from './render';
import type { WebhookDelivery, WebhookTarget } from './webhooks';

export interface SandboxOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: '127.0.0.1';
	legacyKeys?: { appKey: string; secretKey: string };
	v2Keys?: { applicationKey: string; authorizationSecret: string };
	webhooks?: WebhookTarget[];
	/** Delay between a send and its delivered (ok) / hardbounce event; default 200 ms. */
	deliveredDelayMs?: number;
	/** Retry delays when a webhook receiver fails (EmailLabs: 30 min / 2 h / 24 h); default [1000, 5000, 15000]. */
	retryDelaysMs?: number[];
	/** Forget messages, events, opens, clicks and finished webhook deliveries older than this; default none (keep all). */
	retentionSeconds?: number | null;
	/** Delay before answering each legacy list request (emails, smtp_events, opens, clicks, …); default 0. */
	latencyMs?: number;
}

export interface StoredAttachment {
	name: string;
	mime: string;
	size: number;
	inline: boolean;
}

export interface StatusEntry {
	status: string;
	statusTime: number;
	statusDesc: string;
}

export interface StoredMessage {
	messageId: string;
	api: 'legacy' | 'v2';
	endpoint: string;
	requestId: string;
	smtpAccount: string;
	from: { email: string; name: string };
	to: { email: string; name: string };
	cc: string[];
	bcc: string[];
	replyTo?: string;
	subject: string;
	html?: string;
	text?: string;
	templateId?: string;
	/** The variables used for rendering (per-recipient vars merged with global vars). */
	vars: Vars;
	tags: string[];
	headers: Record<string, string>;
	attachments: StoredAttachment[];
	status: string;
	statuses: StatusEntry[];
	createdAt: string;
	createdTime: number;
}

export interface StoredTemplate {
	id: string;
	name: string;
	html: string;
	text?: string;
	smtpAccount?: string;
	externalId?: string;
	createdAt: string;
}

export interface BlacklistEntry {
	id: number;
	account: string;
	email: string;
	reason: string;
	source: string;
	comment: string;
	created_at: string;
	updated_at: string;
}

/** One event; it keeps what its webhook carried (see events.ts), even once its message is gone. */
export interface SandboxEvent {
	id: number;
	messageId: string;
	/** The recipient. */
	email: string;
	toName: string;
	from: { email: string; name: string };
	subject: string;
	tags: string[];
	smtpAccount: string;
	status: string;
	/** Unix seconds, the webhook's statusTime. */
	statusTime: number;
	statusDesc: string;
	/** When the message was injected (Unix seconds). */
	injectedTime: number;
	url?: string;
	ip?: string;
	userAgent?: string;
}

export interface ApiCall {
	id: number;
	at: string;
	api: 'legacy' | 'v2';
	method: string;
	path: string;
	query: Record<string, unknown>;
	body: unknown;
	/** The HTTP status the client received; 0 when an injected fault closed the connection instead. */
	statusCode: number;
	requestId: string;
	/** Set when a fault rule applied; `processedStatus` is the real answer of a processed request. */
	fault?: { mode: FaultMode; processedStatus?: number };
}

export interface CrmCall {
	at: string;
	email: string;
	action: 'unsubscribe';
	body: unknown;
}

export interface Sandbox {
	readonly url: string;
	readonly legacyKeys: { appKey: string; secretKey: string };
	readonly v2Keys: { applicationKey: string; authorizationSecret: string };
	readonly messages: readonly StoredMessage[];
	readonly templates: readonly StoredTemplate[];
	readonly blacklist: readonly BlacklistEntry[];
	readonly events: readonly SandboxEvent[];
	readonly calls: readonly ApiCall[];
	readonly webhooks: readonly WebhookDelivery[];
	readonly crm: readonly CrmCall[];
	/** The fault rules in force and the faults injected since they were set (see faults.ts). */
	readonly faults: FaultReport;
	setWebhookTargets(targets: WebhookTarget[]): void;
	/** Replaces the fault rules (an empty list clears them), like `POST /_sandbox/faults`. */
	setFaults(rules: FaultRule[], seed?: number): void;
	/** Fires an event for a stored message now (delivered = ok, click = track, complaint = feedback). */
	fireEvent(messageId: string, status: string, extra?: { url?: string; ip?: string; userAgent?: string }): WebhookDelivery[];
	/** Creates messages with one event each, spread over a time range, without webhooks (bulkEvents.ts). */
	addBulkEvents(input: BulkEventsInput): BulkEventsResult;
	/** Retention in seconds (null = keep everything), like `PUT /_sandbox/retention`. */
	readonly retentionSeconds: number | null;
	setRetention(seconds: number | null): void;
	/** Delay of each legacy list answer, like `PUT /_sandbox/latency`. */
	readonly latencyMs: number;
	setLatency(ms: number): void;
	/** What the chat stand-in received, per channel (chat.ts). */
	readonly chat: Readonly<Record<string, readonly ChatMessage[]>>;
	/** Resolves when no webhook delivery is pending (retries included) or after the timeout. */
	webhooksSettled(timeoutMs?: number): Promise<void>;
	/** Forgets messages, templates, blacklist, events, calls, CRM calls, webhooks and fault rules. */
	reset(): void;
	close(): Promise<void>;
}

export interface Reply {
	status: number;
	body: unknown;
	contentType?: string;
	/** Extra response headers (e.g. Retry-After of an injected 429). */
	headers?: Record<string, string>;
	/** Wait this long before answering (the simulated latency of list endpoints). */
	delayMs?: number;
}

export interface Request {
	method: string;
	path: string;
	query: Record<string, unknown>;
	headers: IncomingHttpHeaders;
	raw: string;
	contentType: string;
}

/** One API handler: legacy (`/api/<action>`) or API v2.1 (`/v2.1/<action>`). */
export type ApiHandler = (req: Request, action: string, requestId: string) => Reply;

/** A send request of either generation, normalised. */
export interface SendInput {
	api: 'legacy' | 'v2';
	endpoint: string;
	requestId: string;
	smtpAccount: string;
	from: { email: string; name: string };
	recipients: Array<{ email: string; name: string; messageId?: string; vars: Vars }>;
	globalVars: Vars;
	subject: string;
	html?: string;
	text?: string;
	templateId?: string;
	cc: string[];
	bcc: string[];
	replyTo?: string;
	tags: string[];
	headers: Record<string, string>;
	attachments: StoredAttachment[];
}
