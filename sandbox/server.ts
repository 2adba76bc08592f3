/**
 * EmailLabs sandbox: a local, in-memory stand-in for both EmailLabs HTTP APIs ("Mailpit for
 * EmailLabs"). It speaks the wire formats the n8n nodes use (see
 * shared reference emaillabs-api.md and nodes/EmailLabs/transport), stores what is sent, and
 * fires signed delivery webhooks back, so workflows can be built and tested without an account.
 *
 * - Legacy API under `/api/...`: HTTP Basic App Key:Secret Key, PHP-bracket form bodies,
 *   envelope `{code,status,message,data,req_id}`; empty lists are HTTP 404 "No items".
 * - API v2.1 under `/v2.1/...`: `Application-Key` + raw `Authorization` headers, JSON, envelope
 *   `{meta,data,errors}`.
 * - Control API under `/_sandbox/...` (no auth) and a web page at `/`.
 *
 * Local test values only: never point real credentials at it, never expose it beyond loopback.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { decodePhpForm, decodePhpQuery } from '../test/support/phpForm';
import { SANDBOX_PAGE } from './page';
import {
	applyLegacyFilter,
	applySort,
	formatDate,
	isPlainObject,
	mergeVars,
	page,
	renderTemplate,
	toSeconds,
	type Vars,
} from './render';
import { WebhookDispatcher, type WebhookDelivery, type WebhookEvent, type WebhookTarget } from './webhooks';

export type { WebhookDelivery, WebhookEvent, WebhookTarget } from './webhooks';
export { jsonSignature, legacySignature } from './webhooks';

export const DEFAULT_LEGACY_KEYS = { appKey: 'sandbox-app-key', secretKey: 'sandbox-secret-key' };
export const DEFAULT_V2_KEYS = { applicationKey: 'sandbox-application-key', authorizationSecret: 'sandbox-authorization-secret' };
export const SEED_SMTP_ACCOUNTS = ['1.sandbox.smtp', '2.sandbox.smtp'];
/** Recipients at this domain hard-bounce (and are blacklisted with reason hardbounce, source smtp). */
export const BOUNCE_DOMAIN = 'bounce.test';
/** Recipients with this local part file a spam complaint (status feedback) after delivery. */
export const COMPLAINT_LOCAL_PART = 'complaint';
export const BLACKLIST_REASONS: Record<string, string> = {
	hardbounce: 'Hard bounce',
	other: 'Other',
	spam_complaint: 'Spam complaint',
	unsubscribe: 'Unsubscribe',
};
/** A template present from the start (and after a reset), used by examples/crm-signup-welcome.json. */
export const SEED_TEMPLATE = {
	id: 'welcome',
	name: 'Welcome (sandbox seed)',
	html: '<h1>Welcome, {{ firstName }}!</h1><p>Thanks for signing up for {{ company }}. Your account is ready.</p>',
	text: 'Welcome, {{ firstName }}! Thanks for signing up for {{ company }}. Your account is ready.',
};
const DISPOSABLE_DOMAINS = ['mailinator.com', 'yopmail.com', '10minutemail.com', 'guerrillamail.com', 'temp-mail.org', 'disposable.test'];
const MAX_RECIPIENTS = 200;
const MAX_SUBJECT = 128;
const MAX_TEMPLATES = 50;
const MAX_AGGREGATE_DAYS = 62;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

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

export interface SandboxEvent {
	id: number;
	messageId: string;
	email: string;
	smtpAccount: string;
	status: string;
	statusTime: number;
	statusDesc: string;
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
	statusCode: number;
	requestId: string;
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
	setWebhookTargets(targets: WebhookTarget[]): void;
	/** Fires an event for a stored message now (delivered = ok, click = track, complaint = feedback). */
	fireEvent(messageId: string, status: string, extra?: { url?: string; ip?: string; userAgent?: string }): WebhookDelivery[];
	/** Resolves when no webhook delivery is pending (retries included) or after the timeout. */
	webhooksSettled(timeoutMs?: number): Promise<void>;
	reset(): void;
	close(): Promise<void>;
}

interface Reply {
	status: number;
	body: unknown;
	contentType?: string;
}

interface Request {
	method: string;
	path: string;
	query: Record<string, unknown>;
	headers: http.IncomingHttpHeaders;
	raw: string;
	contentType: string;
}

/** Friendly names accepted by the control API and the page, mapped to EmailLabs statuses. */
const STATUS_ALIASES: Record<string, string> = {
	delivered: 'ok',
	ok: 'ok',
	open: 'open',
	opened: 'open',
	click: 'track',
	clicked: 'track',
	track: 'track',
	hardbounce: 'hardbounce',
	hardBounce: 'hardbounce',
	softbounce: 'softbounce',
	softBounce: 'softbounce',
	spambounce: 'spambounce',
	deferred: 'deferred',
	dropped: 'dropped',
	feedback: 'feedback',
	complaint: 'feedback',
	spamComplaint: 'feedback',
	injected: 'injected',
};
const STATUS_DESCRIPTIONS: Record<string, string> = {
	injected: 'Message accepted',
	ok: '250 2.0.0 OK: queued as SANDBOX',
	hardbounce: '550 5.1.1 Recipient address rejected: User unknown',
	softbounce: '452 4.2.2 Mailbox full',
	spambounce: '554 5.7.1 Message rejected as spam',
	deferred: '421 4.7.0 Try again later',
	dropped: 'Recipient is on the blacklist',
	feedback: 'Spam complaint (FBL)',
	open: 'Message opened',
	track: 'Link clicked',
};

const nowSeconds = () => Math.floor(Date.now() / 1000);
const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value).trim());
const lower = (value: string) => value.toLowerCase();

/** PHP list objects (`{"0": a, "1": b}`) or arrays into arrays; scalars into a one-element list. */
function list(value: unknown): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value;
	if (isPlainObject(value)) return Object.values(value);
	return [value];
}

function stringMap(value: unknown): Record<string, string> {
	if (!isPlainObject(value)) return {};
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, text(entry)]));
}

/** Bodies in the calls log: attachment contents are replaced by their size. */
function summariseBody(value: unknown, key = ''): unknown {
	if (typeof value === 'string') {
		return (key === 'content' || key === 'fileContent') && value.length > 64 ? `<${value.length} base64 characters>` : value;
	}
	if (Array.isArray(value)) return value.map((entry) => summariseBody(entry));
	if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summariseBody(v, k)]));
	return value;
}

function legacyEnvelope(requestId: string, status: number, data: unknown, message?: unknown, extra: Vars = {}): Reply {
	return {
		status,
		body: {
			code: status,
			status: status < 400 ? 'success' : 'fail',
			message: message ?? (status < 400 ? 'Action completed' : 'Error'),
			data,
			req_id: requestId,
			...extra,
		},
	};
}

interface V2Error {
	title: string;
	message: string;
	code: string;
	meta?: { parameter?: string; value?: string; source?: string };
}

function v2Envelope(requestId: string, status: number, data: unknown, errors: V2Error[] = []): Reply {
	return {
		status,
		body: {
			meta: { numberOfErrors: errors.length, numberOfData: Array.isArray(data) ? data.length : data ? 1 : 0, status, uniqId: requestId },
			data,
			errors,
		},
	};
}

const v2Error = (message: string, parameter?: string, value?: unknown, code = 'E-1-001'): V2Error => ({
	title: 'Validation error',
	message,
	code,
	...(parameter ? { meta: { parameter, ...(value !== undefined ? { value: String(value) } : {}) } } : {}),
});

interface SendInput {
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

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
	const legacyKeys = opts.legacyKeys ?? DEFAULT_LEGACY_KEYS;
	const v2Keys = opts.v2Keys ?? DEFAULT_V2_KEYS;
	const deliveredDelayMs = opts.deliveredDelayMs ?? 200;
	const host = opts.host ?? '127.0.0.1';
	const dispatcher = new WebhookDispatcher([...(opts.webhooks ?? [])], opts.retryDelaysMs ?? [1000, 5000, 15000]);

	const messages: StoredMessage[] = [];
	const templates: StoredTemplate[] = [];
	const seedTemplates = () => templates.push({ ...SEED_TEMPLATE, createdAt: formatDate(new Date()) });
	seedTemplates();
	const blacklist: BlacklistEntry[] = [];
	const events: SandboxEvent[] = [];
	const calls: ApiCall[] = [];
	const crm: CrmCall[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const sockets = new Set<Socket>();
	const smtpAccounts = SEED_SMTP_ACCOUNTS.map((name, index) => ({ id: index + 1, name, createdAt: formatDate(new Date()) }));
	let counter = 0;
	let closed = false;
	const nextId = () => ++counter;
	const newRequestId = () => randomBytes(12).toString('hex');

	const later = (delay: number, run: () => void) => {
		if (closed) return;
		const timer = setTimeout(() => {
			timers.delete(timer);
			if (!closed) run();
		}, delay);
		timers.add(timer);
	};

	// ----- state changes -------------------------------------------------------------------------

	const findBlacklisted = (email: string, account?: string) =>
		blacklist.filter((entry) => lower(entry.email) === lower(email) && (!account || !entry.account || entry.account === account));

	const addToBlacklist = (email: string, account: string, reason: string, source: string, comment = ''): BlacklistEntry => {
		const now = formatDate(new Date());
		const existing = blacklist.find((entry) => lower(entry.email) === lower(email) && entry.account === account);
		if (existing) {
			Object.assign(existing, { reason, source, comment, updated_at: now });
			return existing;
		}
		const entry: BlacklistEntry = { id: nextId(), account, email, reason, source, comment, created_at: now, updated_at: now };
		blacklist.push(entry);
		return entry;
	};

	const toWebhookEvent = (message: StoredMessage, event: SandboxEvent): WebhookEvent => ({
		smtpAccount: message.smtpAccount,
		to: { email: message.to.email, name: message.to.name, messageId: message.messageId },
		from: { email: message.from.email, name: message.from.name },
		subject: message.subject,
		tags: message.tags.length ? [...message.tags] : null,
		status: event.status,
		statusTime: event.statusTime,
		statusDesc: event.statusDesc,
		allStatuses: [],
		...(event.url !== undefined ? { url: event.url } : {}),
		...(event.ip !== undefined ? { ip: event.ip } : {}),
		...(event.userAgent !== undefined ? { userAgent: event.userAgent } : {}),
	});

	/** Records the events, updates the messages and sends them as one webhook batch per target. */
	const fire = (batch: Array<{ message: StoredMessage; status: string; url?: string; ip?: string; userAgent?: string }>) => {
		const outgoing: WebhookEvent[] = [];
		for (const { message, status, url, ip, userAgent } of batch) {
			const event: SandboxEvent = {
				id: nextId(),
				messageId: message.messageId,
				email: message.to.email,
				smtpAccount: message.smtpAccount,
				status,
				statusTime: nowSeconds(),
				statusDesc: STATUS_DESCRIPTIONS[status] ?? status,
				...(status === 'track' ? { url: url ?? 'https://example.com/' } : {}),
				...(status === 'open' || status === 'track'
					? { ip: ip ?? '127.0.0.1', userAgent: userAgent ?? 'Mozilla/5.0 (EmailLabs Sandbox)' }
					: {}),
			};
			events.push(event);
			message.statuses.push({ status, statusTime: event.statusTime, statusDesc: event.statusDesc });
			if (status !== 'open' && status !== 'track') message.status = status;
			if (status === 'hardbounce') addToBlacklist(message.to.email, message.smtpAccount, 'hardbounce', 'smtp');
			outgoing.push(toWebhookEvent(message, event));
		}
		return dispatcher.dispatch(outgoing);
	};

	const afterSend = (stored: StoredMessage[]) => {
		const dropped = stored.filter((message) => message.status === 'dropped');
		if (dropped.length) fire(dropped.map((message) => ({ message, status: 'dropped' })));
		const live = stored.filter((message) => message.status !== 'dropped');
		if (!live.length) return;
		later(deliveredDelayMs, () => {
			fire(live.map((message) => ({ message, status: lower(message.to.email).endsWith('@' + BOUNCE_DOMAIN) ? 'hardbounce' : 'ok' })));
			const complaints = live.filter(
				(message) => message.status === 'ok' && lower(message.to.email).split('@')[0] === COMPLAINT_LOCAL_PART,
			);
			if (complaints.length) later(deliveredDelayMs, () => fire(complaints.map((message) => ({ message, status: 'feedback' }))));
		});
	};

	const store = (input: SendInput): StoredMessage[] => {
		const now = new Date();
		const stored = input.recipients.map((recipient): StoredMessage => {
			const vars = mergeVars(recipient.vars, input.globalVars);
			const blacklisted = findBlacklisted(recipient.email, input.smtpAccount).length > 0;
			const status = blacklisted ? 'dropped' : 'injected';
			return {
				messageId: (recipient.messageId || `${randomUUID()}@sandbox.emaillabs.local`).replace(/^<|>$/g, ''),
				api: input.api,
				endpoint: input.endpoint,
				requestId: input.requestId,
				smtpAccount: input.smtpAccount,
				from: input.from,
				to: { email: recipient.email, name: recipient.name },
				cc: input.cc,
				bcc: input.bcc,
				replyTo: input.replyTo,
				subject: renderTemplate(input.subject, vars) ?? '',
				html: renderTemplate(input.html, vars),
				text: renderTemplate(input.text, vars),
				templateId: input.templateId,
				vars,
				tags: input.tags,
				headers: input.headers,
				attachments: input.attachments,
				status,
				statuses: [{ status: 'injected', statusTime: Math.floor(now.getTime() / 1000), statusDesc: STATUS_DESCRIPTIONS.injected }],
				createdAt: formatDate(now),
				createdTime: Math.floor(now.getTime() / 1000),
			};
		});
		messages.push(...stored);
		afterSend(stored);
		return stored;
	};

	/** Checks shared by both generations; returns the problems as [field, message]. */
	const validateSend = (input: SendInput, needsBody: boolean): Array<[string, string]> => {
		const problems: Array<[string, string]> = [];
		if (!input.smtpAccount) problems.push(['smtp_account', 'SMTP account is required']);
		else if (!smtpAccounts.some((account) => account.name === input.smtpAccount)) {
			problems.push(['smtp_account', `SMTP account ${input.smtpAccount} does not exist (sandbox accounts: ${smtpAccounts.map((a) => a.name).join(', ')})`]);
		}
		if (!input.subject) problems.push(['subject', 'Subject is required']);
		else if (input.subject.length > MAX_SUBJECT) problems.push(['subject', `Subject is longer than ${MAX_SUBJECT} characters`]);
		if (!input.from.email) problems.push(['from', 'From is required']);
		else if (!EMAIL.test(input.from.email)) problems.push(['from', `From is not a valid address: ${input.from.email}`]);
		if (!input.recipients.length) problems.push(['to', 'To is required']);
		if (input.recipients.length > MAX_RECIPIENTS) problems.push(['to', `Too many recipients: ${input.recipients.length} (max ${MAX_RECIPIENTS})`]);
		if (needsBody && !input.html && !input.text) problems.push(['html', 'html or text is required']);
		return problems;
	};

	// ----- legacy API ------------------------------------------------------------------------------

	const legacyList = (requestId: string, rows: Array<Record<string, unknown>>, query: Record<string, unknown>, aliases: Record<string, string[]> = {}) => {
		const filtered = applySort(applyLegacyFilter(rows, query.filter, aliases), query.sort);
		const pageRows = page(filtered, query.offset, query.limit);
		if (!pageRows.length) return legacyEnvelope(requestId, 404, [], 'No items', { number_of_elements: filtered.length });
		return legacyEnvelope(requestId, 200, pageRows, 'Action completed', { number_of_elements: filtered.length });
	};

	const legacyEmailRow = (message: StoredMessage) => ({
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

	const legacyEventRow = (event: SandboxEvent) => {
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

	const legacySend = (endpoint: string, requestId: string, form: Record<string, unknown>): Reply => {
		const template = endpoint === 'sendmail_templates' && text(form.template_id) ? templates.find((entry) => entry.id === text(form.template_id)) : undefined;
		if (endpoint === 'sendmail_templates' && text(form.template_id) && !template) {
			return legacyEnvelope(requestId, 404, [], `Template ${text(form.template_id)} not found`);
		}
		const structured = text(form.new_structure) === '1';
		const rawTo = form.to;
		const recipients: SendInput['recipients'] = [];
		const entries: Array<[string, unknown]> = structured
			? list(rawTo).map((entry) => [text((entry as Vars)?.email), entry])
			: isPlainObject(rawTo)
				? Object.entries(rawTo)
				: list(rawTo).map((entry) => [text(entry), '']);
		for (const [email, options] of entries) {
			const fields = isPlainObject(options) ? options : {};
			recipients.push({
				email,
				name: text(fields.reciver_name ?? fields.receiver_name),
				messageId: text(fields.message_id) || undefined,
				vars: isPlainObject(fields.vars) ? fields.vars : {},
			});
		}
		const files = list(form.files).filter(isPlainObject);
		const input: SendInput = {
			api: 'legacy',
			endpoint,
			requestId,
			smtpAccount: text(form.smtp_account),
			from: { email: text(form.from), name: text(form.from_name) },
			recipients,
			globalVars: isPlainObject(form.global_vars) ? form.global_vars : {},
			subject: text(form.subject),
			html: text(form.html) ? String(form.html) : template?.html,
			text: text(form.text ?? form.txt) ? String(form.text ?? form.txt) : template?.text,
			templateId: template?.id,
			cc: isPlainObject(form.cc) ? Object.keys(form.cc) : list(form.cc).map(text).filter(Boolean),
			bcc: isPlainObject(form.bcc) ? Object.keys(form.bcc) : list(form.bcc).map(text).filter(Boolean),
			replyTo: text(form.reply_to ?? form.replay_to) || undefined,
			tags: list(form.tags).map(text).filter(Boolean),
			headers: structured
				? Object.fromEntries(list(form.headers).map((line) => text(line).split(/:\s*/, 2) as [string, string]))
				: stringMap(form.headers),
			attachments: files.map((file) => ({
				name: text(file.name),
				mime: text(file.mime) || 'application/octet-stream',
				size: Buffer.from(text(file.content), 'base64').length,
				inline: text(file.inline) === '1',
			})),
		};
		const problems = validateSend(input, true);
		if (input.tags.join('').length > MAX_SUBJECT) problems.push(['tags', `Tags are longer than ${MAX_SUBJECT} characters in all`]);
		if (problems.length) return legacyEnvelope(requestId, 400, [], Object.fromEntries(problems));
		// Per-recipient problems come back inside a successful answer, as an error text (client C5).
		const valid = input.recipients.filter((recipient) => EMAIL.test(recipient.email));
		const stored = store({ ...input, recipients: valid });
		const data = input.recipients.map((recipient) => {
			const message = stored.find((entry) => entry.to.email === recipient.email);
			return { [recipient.email]: message ? message.messageId : `Invalid email address: ${recipient.email}` };
		});
		return legacyEnvelope(requestId, 200, data, 'Emails were sent');
	};

	const aggregate = (requestId: string, query: Record<string, unknown>, byTag: boolean): Reply => {
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

	const legacy = (req: Request, action: string, requestId: string): Reply => {
		const expected = 'Basic ' + Buffer.from(`${legacyKeys.appKey}:${legacyKeys.secretKey}`).toString('base64');
		if (req.headers.authorization !== expected) {
			return legacyEnvelope(requestId, 401, [], req.headers.authorization ? 'App Key is invalid' : 'Authorization required: App Key and Secret Key (HTTP Basic)');
		}
		let form: Record<string, unknown> = {};
		if (req.raw.length) {
			if (!req.contentType.startsWith('application/x-www-form-urlencoded')) {
				return legacyEnvelope(requestId, 400, [], `The legacy API expects an application/x-www-form-urlencoded body, got ${req.contentType || 'none'}`);
			}
			form = decodePhpForm(req.raw);
		}
		const { method, query } = req;
		const [name, ...rest] = action.split('/');
		// `smtp_events/{status}` and `delete_temlate/{id}` take their argument right after the action.
		const dynamic = ['smtp_events', 'delete_temlate', 'delete_template'].includes(name);
		const route = dynamic ? `${method} ${name}` : `${method} ${name}${rest.length ? '/' + rest[0] : ''}`;

		switch (route) {
			case 'POST new_sendmail':
			case 'POST sendmail':
			case 'POST sendmail_templates':
				return legacySend(name === 'sendmail' ? 'new_sendmail' : name, requestId, form);
			case 'POST add_template': {
				const html = form.html === undefined ? '' : String(form.html);
				if (!html.trim()) return legacyEnvelope(requestId, 400, [], { html: 'html is required' });
				if (templates.length >= MAX_TEMPLATES) return legacyEnvelope(requestId, 500, [], `Too many templates (max ${MAX_TEMPLATES})`);
				const template: StoredTemplate = {
					id: randomBytes(8).toString('hex'),
					name: text(form.name),
					html,
					text: form.txt !== undefined ? String(form.txt) : form.text !== undefined ? String(form.text) : undefined,
					createdAt: formatDate(new Date()),
				};
				templates.push(template);
				return legacyEnvelope(requestId, 200, { template_id: template.id }, 'Template was added');
			}
			case 'DELETE delete_temlate':
			case 'DELETE delete_template': {
				const index = templates.findIndex((template) => template.id === rest[0]);
				if (index === -1) return legacyEnvelope(requestId, 404, [], 'Template not found');
				templates.splice(index, 1);
				return legacyEnvelope(requestId, 200, [], 'Template was deleted');
			}
			case 'GET blacklists':
				return legacyList(requestId, blacklist as unknown as Array<Record<string, unknown>>, query);
			case 'POST blacklists': {
				const problems: Record<string, string> = {};
				const email = text(form.email);
				const account = text(form.account);
				const reason = text(form.reason);
				if (!email) problems.email = 'email is required';
				else if (!EMAIL.test(email)) problems.email = `email is not a valid address: ${email}`;
				if (!account) problems.account = 'account is required';
				else if (!smtpAccounts.some((entry) => entry.name === account)) problems.account = `SMTP account ${account} does not exist`;
				if (!reason) problems.reason = 'reason is required';
				else if (!BLACKLIST_REASONS[reason]) problems.reason = `Unknown reason ${reason} (use ${Object.keys(BLACKLIST_REASONS).join(', ')})`;
				if (Object.keys(problems).length) return legacyEnvelope(requestId, 400, [], problems);
				const entry = addToBlacklist(email, account, reason, text(form.source) || 'API', text(form.comment));
				return legacyEnvelope(requestId, 200, entry, 'Email was added to the blacklist');
			}
			case 'GET blacklists/email':
			case 'DELETE blacklists/email': {
				const email = rest.slice(1).join('/');
				const found = findBlacklisted(email);
				if (!found.length) return legacyEnvelope(requestId, 404, [], 'No items');
				if (method === 'GET') return legacyEnvelope(requestId, 200, found, 'Action completed', { number_of_elements: found.length });
				for (const entry of found) blacklist.splice(blacklist.indexOf(entry), 1);
				return legacyEnvelope(requestId, 200, [], 'Email was removed from the blacklist');
			}
			case 'GET blacklist_reasons':
				return legacyEnvelope(requestId, 200, BLACKLIST_REASONS);
			case 'GET emails':
				return legacyList(requestId, messages.map(legacyEmailRow), query, { msgid: ['msgid'], account: ['account'] });
			case 'GET smtp_events': {
				const status = rest[0];
				if (!status) return legacyEnvelope(requestId, 404, [], 'Action not found');
				const fromTime = toSeconds(query.from_time);
				if (fromTime === undefined) return legacyEnvelope(requestId, 400, [], { from_time: 'from_time is required (Unix time)' });
				const toTime = toSeconds(query.to_time);
				const rows = events
					.filter((event) => event.status === status && event.statusTime >= fromTime && (toTime === undefined || event.statusTime <= toTime))
					.map(legacyEventRow);
				return legacyList(requestId, rows, query);
			}
			case 'GET opens':
			case 'GET clicks': {
				const status = name === 'opens' ? 'open' : 'track';
				return legacyList(requestId, events.filter((event) => event.status === status).map(legacyEventRow), query);
			}
			case 'GET agregate':
			case 'GET agregate_tags':
				return aggregate(requestId, query, name === 'agregate_tags');
			case 'GET smtp':
				return legacyList(
					requestId,
					smtpAccounts.map((account) => ({ id: account.id, name: account.name, account: account.name, status: 'active', created_at: account.createdAt })),
					query,
				);
			case 'GET is_mail_tmp/email': {
				const email = rest.slice(1).join('/');
				const domain = lower(email.split('@')[1] ?? '');
				return legacyEnvelope(requestId, 200, { email, is_tmp: DISPOSABLE_DOMAINS.includes(domain) });
			}
			default:
				return legacyEnvelope(requestId, 404, [], 'Action not found');
		}
	};

	// ----- API v2.1 --------------------------------------------------------------------------------

	const v2StatusObject = (message: StoredMessage) => ({
		smtpAccount: message.smtpAccount,
		to: { email: message.to.email, name: message.to.name, messageId: message.messageId },
		from: { email: message.from.email, name: message.from.name },
		subject: message.subject,
		tags: message.tags.length ? message.tags : null,
		status: message.status,
		statusTime: message.statuses[message.statuses.length - 1]?.statusTime ?? message.createdTime,
		statusDesc: message.statuses[message.statuses.length - 1]?.statusDesc ?? '',
		allStatuses: message.statuses.map((entry) => ({ ...entry })),
	});

	const v2List = (requestId: string, rows: unknown[], query: Record<string, unknown>) => {
		const pageRows = page(rows, query.offset, query.limit);
		if (!pageRows.length) return v2Envelope(requestId, 404, [], [{ title: 'Not Found', message: 'No items', code: 'E-0-404' }]);
		return v2Envelope(requestId, 200, pageRows);
	};

	const v2Send = (requestId: string, body: Vars): Reply => {
		const template = text(body.templateId) ? templates.find((entry) => entry.id === text(body.templateId)) : undefined;
		if (text(body.templateId) && !template) return v2Envelope(requestId, 404, [], [v2Error(`Template ${text(body.templateId)} not found`, 'templateId', body.templateId, 'E-2-404')]);
		const content = isPlainObject(body.content) ? body.content : {};
		const from = isPlainObject(body.from) ? body.from : {};
		const to = Array.isArray(body.to) ? body.to.filter(isPlainObject) : [];
		const address = (entry: unknown) => (isPlainObject(entry) ? text(entry.email) : text(entry));
		const input: SendInput = {
			api: 'v2',
			endpoint: 'email',
			requestId,
			smtpAccount: text(body.smtpAccount),
			from: { email: text(from.email), name: text(from.name) },
			recipients: to.map((entry) => ({
				email: text(entry.email),
				name: text(entry.name),
				messageId: text(entry.messageId) || undefined,
				vars: isPlainObject(entry.vars) ? entry.vars : {},
			})),
			globalVars: isPlainObject(body.globalVars) ? body.globalVars : {},
			subject: text(body.subject),
			html: typeof content.html === 'string' && content.html ? content.html : template?.html,
			text: typeof content.text === 'string' && content.text ? content.text : template?.text,
			templateId: template?.id,
			cc: list(body.cc).map(address).filter(Boolean),
			bcc: list(body.bcc).map(address).filter(Boolean),
			replyTo: address(body.replyTo) || undefined,
			tags: list(body.tags).map(text).filter(Boolean),
			headers: stringMap(body.headers),
			attachments: list(body.attachments)
				.filter(isPlainObject)
				.map((file) => ({
					name: text(file.fileName),
					mime: text(file.fileMime) || 'application/octet-stream',
					size: Buffer.from(text(file.fileContent), 'base64').length,
					inline: file.inline === true,
				})),
		};
		const problems = validateSend(input, true).map(([field, message]) => {
			const parameter = { smtp_account: 'smtpAccount', from: 'from.email', html: 'content' }[field] ?? field;
			return v2Error(message, parameter);
		});
		if (problems.length) return v2Envelope(requestId, 400, [], problems);
		const invalid = input.recipients.filter((recipient) => !EMAIL.test(recipient.email));
		const valid = input.recipients.filter((recipient) => EMAIL.test(recipient.email));
		const errors = invalid.map((recipient) => v2Error(`Invalid email address: ${recipient.email}`, 'to.email', recipient.email, 'E-2-010'));
		if (!valid.length) return v2Envelope(requestId, 400, [], errors);
		const stored = store({ ...input, recipients: valid });
		const data = stored.map((message) => ({
			to: { email: message.to.email, name: message.to.name, messageId: message.messageId },
			smtpAccount: message.smtpAccount,
			subject: message.subject,
			status: message.status,
		}));
		return v2Envelope(requestId, errors.length ? 207 : 200, data, errors);
	};

	const v2 = (req: Request, action: string, requestId: string): Reply => {
		if (req.headers['application-key'] !== v2Keys.applicationKey || req.headers.authorization !== v2Keys.authorizationSecret) {
			return v2Envelope(requestId, 401, [], [
				{ title: 'Unauthorized', message: 'Invalid Application-Key or Authorization key', code: 'E-0-401' },
			]);
		}
		let body: Vars = {};
		if (req.raw.length) {
			if (!req.contentType.startsWith('application/json')) {
				return v2Envelope(requestId, 400, [], [v2Error(`API v2.1 accepts only JSON (Content-Type: application/json), got ${req.contentType || 'none'}`, 'Content-Type')]);
			}
			try {
				const parsed: unknown = JSON.parse(req.raw);
				if (!isPlainObject(parsed)) throw new Error('not an object');
				body = parsed;
			} catch (error) {
				return v2Envelope(requestId, 400, [], [v2Error(`The body is not a JSON object: ${(error as Error).message}`)]);
			}
		}
		const { method, query } = req;
		if (method === 'POST' && action === 'email') return v2Send(requestId, body);
		if (method === 'GET' && action === 'email') {
			const rows = messages
				.filter((message) => !text(query.messageId) || message.messageId === text(query.messageId).replace(/^<|>$/g, ''))
				.filter((message) => !text(query.smtpAccount) || message.smtpAccount === text(query.smtpAccount))
				.map(v2StatusObject);
			return v2List(requestId, rows, query);
		}
		if (method === 'GET' && action === 'email/smtpAccount') {
			return v2List(requestId, smtpAccounts.map((account) => ({ smtpAccount: account.name, name: account.name, status: 'active', createdAt: account.createdAt })), query);
		}
		if (method === 'GET' && action === 'email/template') {
			const rows = templates
				.filter((template) => !text(query.smtpAccount) || template.smtpAccount === text(query.smtpAccount))
				.filter((template) => !text(query.externalId) || template.externalId === text(query.externalId))
				.map((template) => ({ id: template.id, name: template.name, html: template.html, text: template.text ?? '', smtpAccount: template.smtpAccount ?? null, externalId: template.externalId ?? null, createdAt: template.createdAt }));
			return v2List(requestId, rows, query);
		}
		if (method === 'POST' && action === 'email/template') {
			const errors: V2Error[] = [];
			if (!text(body.name)) errors.push(v2Error('name is required', 'name'));
			if (!text(body.html)) errors.push(v2Error('html is required', 'html'));
			if (errors.length) return v2Envelope(requestId, 400, [], errors);
			if (templates.length >= MAX_TEMPLATES) return v2Envelope(requestId, 400, [], [v2Error(`Too many templates (max ${MAX_TEMPLATES})`)]);
			const template: StoredTemplate = {
				id: randomBytes(8).toString('hex'),
				name: text(body.name),
				html: String(body.html),
				text: typeof body.text === 'string' ? body.text : undefined,
				smtpAccount: text(body.smtpAccount) || undefined,
				externalId: text(body.externalId) || undefined,
				createdAt: formatDate(new Date()),
			};
			templates.push(template);
			return v2Envelope(requestId, 200, { id: template.id, templateId: template.id, name: template.name });
		}
		const templateMatch = /^email\/template\/(.+)$/.exec(action);
		if (method === 'DELETE' && templateMatch) {
			const index = templates.findIndex((template) => template.id === templateMatch[1]);
			if (index === -1) return v2Envelope(requestId, 404, [], [{ title: 'Not Found', message: 'Template not found', code: 'E-0-404' }]);
			templates.splice(index, 1);
			return v2Envelope(requestId, 200, []);
		}
		return v2Envelope(requestId, 404, [], [{ title: 'Not Found', message: `No such endpoint: ${method} /v2.1/${action}`, code: 'E-0-404' }]);
	};

	// ----- control API -----------------------------------------------------------------------------

	const fireEvent: Sandbox['fireEvent'] = (messageId, status, extra = {}) => {
		const message = messages.find((entry) => entry.messageId === messageId.replace(/^<|>$/g, ''));
		if (!message) throw new Error(`No message with id ${messageId}`);
		const normalised = STATUS_ALIASES[status] ?? STATUS_ALIASES[lower(status)];
		if (!normalised) throw new Error(`Unknown status ${status} (use one of ${Object.keys(STATUS_ALIASES).join(', ')})`);
		return fire([{ message, status: normalised, ...extra }]);
	};

	const parseTargets = (value: unknown): WebhookTarget[] => {
		const targets = Array.isArray(value) ? value : isPlainObject(value) && Array.isArray(value.targets) ? value.targets : undefined;
		if (!targets) throw new Error('Send an array of webhook targets, or {"targets": [...]}');
		return targets.map((target: unknown, index: number) => {
			if (!isPlainObject(target) || typeof target.url !== 'string') throw new Error(`Target ${index}: url is required`);
			const url = new URL(target.url);
			if (!/^https?:$/.test(url.protocol)) throw new Error(`Target ${index}: only http(s) URLs`);
			const format = target.format === 'legacy' ? 'legacy' : 'json';
			const basicAuth = isPlainObject(target.basicAuth) ? { user: text(target.basicAuth.user), password: text(target.basicAuth.password) } : undefined;
			return { url: target.url, format, secretKey: text(target.secretKey), ...(target.panelName ? { panelName: text(target.panelName) } : {}), ...(basicAuth ? { basicAuth } : {}) };
		});
	};

	const reset = () => {
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		dispatcher.reset();
		for (const collection of [messages, templates, blacklist, events, calls, crm] as unknown[][]) collection.length = 0;
		seedTemplates();
	};

	const control = (req: Request, action: string): Reply => {
		const json = (status: number, body: unknown): Reply => ({ status, body });
		let body: unknown;
		if (req.raw.length) {
			try {
				body = JSON.parse(req.raw);
			} catch {
				body = req.raw;
			}
		}
		const { method } = req;
		try {
			if (method === 'GET' && action === 'messages') return json(200, [...messages].reverse());
			const messageMatch = /^messages\/(.+)$/.exec(action);
			if (method === 'GET' && messageMatch) {
				const message = messages.find((entry) => entry.messageId === messageMatch[1].replace(/^<|>$/g, ''));
				return message ? json(200, message) : json(404, { error: `No message with id ${messageMatch[1]}` });
			}
			if (method === 'GET' && action === 'blacklist') return json(200, blacklist);
			if (method === 'GET' && action === 'templates') return json(200, templates);
			if (method === 'GET' && action === 'events') return json(200, events);
			if (method === 'GET' && action === 'calls') return json(200, [...calls].reverse());
			if (method === 'GET' && action === 'webhooks') return json(200, { targets: dispatcher.targets.map(({ basicAuth, ...target }) => ({ ...target, secretKey: target.secretKey ? '(set)' : '', basicAuth: basicAuth ? '(set)' : undefined })), deliveries: [...dispatcher.deliveries].reverse() });
			if (method === 'GET' && action === 'crm') return json(200, crm);
			if (method === 'GET' && action === 'info') {
				return json(200, { url: sandboxUrl, legacyBaseUrl: `${sandboxUrl}/api`, v2BaseUrl: `${sandboxUrl}/v2.1`, smtpAccounts: smtpAccounts.map((a) => a.name), bounceDomain: BOUNCE_DOMAIN, complaintAddress: `${COMPLAINT_LOCAL_PART}@<any domain>`, webhookTargets: dispatcher.targets.length });
			}
			if (method === 'POST' && action === 'events') {
				const input = isPlainObject(body) ? body : {};
				if (!text(input.messageId) || !text(input.status)) return json(400, { error: 'messageId and status are required' });
				const deliveries = fireEvent(text(input.messageId), text(input.status), {
					...(text(input.url) ? { url: text(input.url) } : {}),
					...(text(input.ip) ? { ip: text(input.ip) } : {}),
					...(text(input.userAgent) ? { userAgent: text(input.userAgent) } : {}),
				});
				return json(200, { event: events[events.length - 1], deliveries: deliveries.map((delivery) => delivery.id) });
			}
			if (method === 'POST' && action === 'webhook-targets') {
				dispatcher.targets = parseTargets(body);
				return json(200, { targets: dispatcher.targets.length });
			}
			if (method === 'POST' && action === 'reset') {
				reset();
				return json(200, { reset: true });
			}
			const crmMatch = /^crm\/contacts\/([^/]+)\/unsubscribe$/.exec(action);
			if (method === 'POST' && crmMatch) {
				const call: CrmCall = { at: new Date().toISOString(), email: crmMatch[1], action: 'unsubscribe', body: body ?? null };
				crm.push(call);
				return json(200, { ok: true, ...call });
			}
		} catch (error) {
			return json(400, { error: (error as Error).message });
		}
		return json(404, { error: `No such control endpoint: ${method} /_sandbox/${action}` });
	};

	// ----- HTTP --------------------------------------------------------------------------------------

	const route = (req: Request): Reply => {
		const { path } = req;
		if (req.method === 'GET' && (path === '/' || path === '/index.html')) return { status: 200, body: SANDBOX_PAGE, contentType: 'text/html; charset=utf-8' };
		if (path.startsWith('/_sandbox/')) return control(req, path.slice('/_sandbox/'.length).replace(/\/+$/, ''));
		const api = path.startsWith('/api/') ? 'legacy' : path.startsWith('/v2.1/') ? 'v2' : undefined;
		if (!api) return { status: 404, body: { error: `Not found: ${path}. EmailLabs lives under /api/ (legacy) and /v2.1/.` } };
		const requestId = newRequestId();
		const action = path.slice(api === 'legacy' ? 5 : 6).replace(/\/+$/, '');
		const reply = api === 'legacy' ? legacy(req, action, requestId) : v2(req, action, requestId);
		let loggedBody: unknown;
		if (req.raw.length) {
			try {
				loggedBody = summariseBody(req.contentType.startsWith('application/x-www-form-urlencoded') ? decodePhpForm(req.raw) : JSON.parse(req.raw));
			} catch {
				loggedBody = req.raw.slice(0, 500);
			}
		}
		calls.push({ id: nextId(), at: new Date().toISOString(), api, method: req.method, path, query: req.query, body: loggedBody, statusCode: reply.status, requestId });
		return reply;
	};

	const server = http.createServer((incoming, res) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
			let path = url.pathname;
			try {
				path = decodeURIComponent(path);
			} catch {
				// keep the raw path
			}
			let reply: Reply;
			try {
				reply = route({
					method: (incoming.method ?? 'GET').toUpperCase(),
					path,
					query: decodePhpQuery(url.search),
					headers: incoming.headers,
					raw: Buffer.concat(chunks).toString('utf8'),
					contentType: String(incoming.headers['content-type'] ?? '').toLowerCase(),
				});
			} catch (error) {
				reply = { status: 500, body: { error: (error as Error).message } };
			}
			const payload = Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), 'utf8');
			res.writeHead(reply.status, {
				'Content-Type': reply.contentType ?? 'application/json',
				'Content-Length': String(payload.length),
				'Cache-Control': 'no-store',
			});
			res.end(payload);
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const sandboxUrl = `http://${host}:${port}`;

	return {
		url: sandboxUrl,
		legacyKeys,
		v2Keys,
		messages,
		templates,
		blacklist,
		events,
		calls,
		crm,
		get webhooks() {
			return dispatcher.deliveries;
		},
		setWebhookTargets(targets) {
			dispatcher.targets = parseTargets(targets);
		},
		fireEvent,
		webhooksSettled: (timeoutMs) => dispatcher.settled(timeoutMs),
		reset,
		async close() {
			if (closed) return;
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			dispatcher.close();
			const done = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await done;
		},
	};
}
