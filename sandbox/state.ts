/**
 * The sandbox's data (messages, templates, blacklist, events, calls, CRM calls, SMTP accounts)
 * and every change to it: storing a send, the delivery events that follow, bulk events, the
 * blacklist, retention, reset.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { buildBulkEvents, parseBulkEventsInput, type BulkEventsInput } from './bulkEvents';
import { BOUNCE_DOMAIN, COMPLAINT_LOCAL_PART, EMAIL, MAX_RECIPIENTS, MAX_SUBJECT, SEED_SMTP_ACCOUNTS, SEED_TEMPLATES, SOFT_BOUNCE_DOMAIN, STATUS_ALIASES, STATUS_DESCRIPTIONS } from './constants';
import { EventLog } from './eventLog';
import { applyToMessage, buildEvent, toWebhookEvent, type EventDetails } from './events';
import { formatDate, mergeVars, renderTemplate } from './render';
import { createRetention } from './retention';
import type { ApiCall, BlacklistEntry, CrmCall, SandboxEvent, SendInput, StoredMessage, StoredTemplate } from './types';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks';
import { lower, nowSeconds } from './wire';

export type SandboxState = ReturnType<typeof createState>;

export interface StateOptions {
	deliveredDelayMs: number;
	retentionSeconds: number | null;
}

export function createState(dispatcher: WebhookDispatcher, { deliveredDelayMs, retentionSeconds }: StateOptions) {
	const messages: StoredMessage[] = [];
	const templates: StoredTemplate[] = [];
	const seedTemplates = () => templates.push(...SEED_TEMPLATES.map((template) => ({ ...template, createdAt: formatDate(new Date()) })));
	seedTemplates();
	const blacklist: BlacklistEntry[] = [];
	const log = new EventLog();
	const retention = createRetention(retentionSeconds, messages, log, dispatcher);
	const calls: ApiCall[] = [];
	const crm: CrmCall[] = [];
	const timers = new Set<NodeJS.Timeout>();
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

	/** Records the events, updates the messages and sends them as one webhook batch per target. */
	const fire = (batch: Array<{ message: StoredMessage; status: string } & EventDetails>) => {
		const fired: SandboxEvent[] = [];
		for (const { message, status, ...details } of batch) {
			const event = buildEvent(nextId(), message, status, nowSeconds(), details);
			log.add(event);
			applyToMessage(message, event);
			if (status === 'hardbounce') addToBlacklist(message.to.email, message.smtpAccount, 'hardbounce', 'smtp');
			fired.push(event);
		}
		return { events: fired, deliveries: dispatcher.dispatch(fired.map(toWebhookEvent)) };
	};

	/** Keeps the messages (a loop, not push(...): bulk batches are too long for spread arguments). */
	const remember = (stored: StoredMessage[]) => {
		for (const message of stored) {
			messages.push(message);
			retention.noteMessage(message);
		}
	};

	/** The delivery outcome by address: `…@bounce.test` hard-bounces, `…@softbounce.test` soft-bounces. */
	const outcomeOf = (email: string) => (lower(email).endsWith('@' + BOUNCE_DOMAIN) ? 'hardbounce' : lower(email).endsWith('@' + SOFT_BOUNCE_DOMAIN) ? 'softbounce' : 'ok');

	const afterSend = (stored: StoredMessage[]) => {
		const dropped = stored.filter((message) => message.status === 'dropped');
		if (dropped.length) fire(dropped.map((message) => ({ message, status: 'dropped' })));
		const live = stored.filter((message) => message.status !== 'dropped');
		if (!live.length) return;
		later(deliveredDelayMs, () => {
			fire(live.map((message) => ({ message, status: outcomeOf(message.to.email) })));
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
		remember(stored);
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

	const findMessage = (messageId: string) => messages.find((entry) => entry.messageId === messageId.replace(/^<|>$/g, ''));

	/** Fires one event for a stored message now: recorded for the lists, sent as a signed webhook. */
	const emitEvent = (messageId: string, status: string, details: EventDetails = {}): { event: SandboxEvent; deliveries: WebhookDelivery[] } => {
		const message = findMessage(messageId);
		if (!message) throw new Error(`No message with id ${messageId}`);
		const normalised = STATUS_ALIASES[status] ?? STATUS_ALIASES[lower(status)];
		if (!normalised) throw new Error(`Unknown status ${status} (use one of ${Object.keys(STATUS_ALIASES).join(', ')})`);
		const { events, deliveries } = fire([{ message, status: normalised, ...details }]);
		return { event: events[0], deliveries };
	};

	const addBulkEvents = (input: BulkEventsInput | Record<string, unknown>) => {
		const { messages: created, events: createdEvents, result } = buildBulkEvents(parseBulkEventsInput(input, smtpAccounts.map((account) => account.name)), nextId);
		remember(created);
		log.addMany(createdEvents);
		return result;
	};

	const clearTimers = () => {
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
	};

	const reset = () => {
		clearTimers();
		dispatcher.reset();
		for (const collection of [messages, templates, blacklist, calls, crm] as unknown[][]) collection.length = 0;
		log.clear();
		retention.clear();
		seedTemplates();
	};

	/** Stops the pending delivery events for good (the sandbox is closing). */
	const stop = () => {
		closed = true;
		clearTimers();
	};

	return {
		messages,
		templates,
		blacklist,
		/** Every event, oldest first (the same array as log.all). */
		events: log.all,
		log,
		retention,
		calls,
		crm,
		smtpAccounts,
		nextId,
		newRequestId,
		findBlacklisted,
		addToBlacklist,
		store,
		validateSend,
		findMessage,
		emitEvent,
		fireEvent: (messageId: string, status: string, details?: EventDetails) => emitEvent(messageId, status, details).deliveries,
		addBulkEvents,
		reset,
		stop,
	};
}
