/**
 * The legacy EmailLabs API under `/api/...`: HTTP Basic App Key:Secret Key, PHP-bracket form
 * bodies, envelope `{code,status,message,data,req_id}`; empty lists are HTTP 404 "No items".
 */
import { randomBytes } from 'node:crypto';

import { BLACKLIST_REASONS, DISPOSABLE_DOMAINS, EMAIL, MAX_SUBJECT, MAX_TEMPLATES } from './constants';
import { listEvents } from './eventLists';
import { aggregate, legacyEmailRow, legacyList } from './legacyLists';
import { decodePhpForm } from './phpForm';
import { formatDate, isPlainObject, toSeconds, type Vars } from './render';
import type { SandboxState } from './state';
import type { ApiHandler, Reply, SendInput, StoredTemplate } from './types';
import { legacyEnvelope, list, lower, stringMap, text } from './wire';

function legacySend(state: SandboxState, endpoint: string, requestId: string, form: Record<string, unknown>): Reply {
	const { templates } = state;
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
	const problems = state.validateSend(input, true);
	if (input.tags.join('').length > MAX_SUBJECT) problems.push(['tags', `Tags are longer than ${MAX_SUBJECT} characters in all`]);
	if (problems.length) return legacyEnvelope(requestId, 400, [], Object.fromEntries(problems));
	// Per-recipient problems come back inside a successful answer, as an error text (as the client github.com/plotkabytes/Emaillabs-sendmail-example, Program.cs, reads it).
	const valid = input.recipients.filter((recipient) => EMAIL.test(recipient.email));
	const stored = state.store({ ...input, recipients: valid });
	const data = input.recipients.map((recipient) => {
		const message = stored.find((entry) => entry.to.email === recipient.email);
		return { [recipient.email]: message ? message.messageId : `Invalid email address: ${recipient.email}` };
	});
	return legacyEnvelope(requestId, 200, data, 'Emails were sent');
}

/** The list endpoints (and `smtp_events/{status}`) that get the simulated latency: a catch-up benchmark pays it per page. */
const LIST_ACTIONS = new Set(['emails', 'opens', 'clicks', 'blacklists', 'smtp']);
export const MAX_LATENCY_MS = 60_000;

export function parseLatencyMs(value: unknown): number {
	const ms = Number(value);
	if (!Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) throw new Error(`Latency must be whole milliseconds from 0 to ${MAX_LATENCY_MS}, got ${JSON.stringify(value)}`);
	return ms;
}

export function createLegacyApi(state: SandboxState, legacyKeys: { appKey: string; secretKey: string }, listLatency: { ms: number }): ApiHandler {
	const handle = createLegacyHandler(state, legacyKeys);
	return (req, action, requestId) => {
		const reply = handle(req, action, requestId);
		const isList = req.method === 'GET' && (LIST_ACTIONS.has(action) || action.startsWith('smtp_events/'));
		return isList && listLatency.ms > 0 ? { ...reply, delayMs: listLatency.ms } : reply;
	};
}

function createLegacyHandler(state: SandboxState, legacyKeys: { appKey: string; secretKey: string }): ApiHandler {
	const { templates, blacklist, messages, log, smtpAccounts } = state;
	return (req, action, requestId) => {
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
				return legacySend(state, name === 'sendmail' ? 'new_sendmail' : name, requestId, form);
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
				const entry = state.addToBlacklist(email, account, reason, text(form.source) || 'API', text(form.comment));
				return legacyEnvelope(requestId, 200, entry, 'Email was added to the blacklist');
			}
			case 'GET blacklists/email':
			case 'DELETE blacklists/email': {
				const email = rest.slice(1).join('/');
				const found = state.findBlacklisted(email);
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
				if (query.to_time !== undefined && query.to_time !== '' && toTime === undefined) return legacyEnvelope(requestId, 400, [], { to_time: 'to_time must be a Unix time' });
				return listEvents(requestId, log, status, query, { from: fromTime, to: toTime });
			}
			case 'GET opens':
			case 'GET clicks':
				return listEvents(requestId, log, name === 'opens' ? 'open' : 'track', query);
			case 'GET agregate':
			case 'GET agregate_tags':
				return aggregate(state, requestId, query, name === 'agregate_tags');
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
}
