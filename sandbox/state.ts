/**
 * The sandbox's data (messages, templates, blacklist, events, calls, CRM calls, SMTP accounts)
 * and every change to it: storing a send, the delivery events that follow, the blacklist, reset.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { BOUNCE_DOMAIN, COMPLAINT_LOCAL_PART, EMAIL, MAX_RECIPIENTS, MAX_SUBJECT, SEED_SMTP_ACCOUNTS, SEED_TEMPLATE, STATUS_ALIASES, STATUS_DESCRIPTIONS } from './constants';
import { formatDate, mergeVars, renderTemplate } from './render';
import type { ApiCall, BlacklistEntry, CrmCall, Sandbox, SandboxEvent, SendInput, StoredMessage, StoredTemplate } from './types';
import type { WebhookDispatcher, WebhookEvent } from './webhooks';
import { lower, nowSeconds } from './wire';

export type SandboxState = ReturnType<typeof createState>;

export function createState(dispatcher: WebhookDispatcher, deliveredDelayMs: number) {
	const messages: StoredMessage[] = [];
	const templates: StoredTemplate[] = [];
	const seedTemplates = () => templates.push({ ...SEED_TEMPLATE, createdAt: formatDate(new Date()) });
	seedTemplates();
	const blacklist: BlacklistEntry[] = [];
	const events: SandboxEvent[] = [];
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

	const fireEvent: Sandbox['fireEvent'] = (messageId, status, extra = {}) => {
		const message = messages.find((entry) => entry.messageId === messageId.replace(/^<|>$/g, ''));
		if (!message) throw new Error(`No message with id ${messageId}`);
		const normalised = STATUS_ALIASES[status] ?? STATUS_ALIASES[lower(status)];
		if (!normalised) throw new Error(`Unknown status ${status} (use one of ${Object.keys(STATUS_ALIASES).join(', ')})`);
		return fire([{ message, status: normalised, ...extra }]);
	};

	const clearTimers = () => {
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
	};

	const reset = () => {
		clearTimers();
		dispatcher.reset();
		for (const collection of [messages, templates, blacklist, events, calls, crm] as unknown[][]) collection.length = 0;
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
		events,
		calls,
		crm,
		smtpAccounts,
		nextId,
		newRequestId,
		findBlacklisted,
		addToBlacklist,
		store,
		validateSend,
		fireEvent,
		reset,
		stop,
	};
}
