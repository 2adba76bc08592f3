/**
 * EmailLabs API v2.1 under `/v2.1/...`: `Application-Key` + raw `Authorization` headers, JSON,
 * envelope `{meta,data,errors}`.
 */
import { randomBytes } from 'node:crypto';

import { EMAIL, MAX_TEMPLATES } from './constants';
import { formatDate, isPlainObject, page, type Vars } from './render';
import type { SandboxState } from './state';
import type { ApiHandler, Reply, SendInput, StoredMessage, StoredTemplate } from './types';
import { list, stringMap, text, v2Envelope, v2Error, type V2Error } from './wire';

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

function v2Send(state: SandboxState, requestId: string, body: Vars): Reply {
	const template = text(body.templateId) ? state.templates.find((entry) => entry.id === text(body.templateId)) : undefined;
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
	const problems = state.validateSend(input, true).map(([field, message]) => {
		const parameter = { smtp_account: 'smtpAccount', from: 'from.email', html: 'content' }[field] ?? field;
		return v2Error(message, parameter);
	});
	if (problems.length) return v2Envelope(requestId, 400, [], problems);
	const invalid = input.recipients.filter((recipient) => !EMAIL.test(recipient.email));
	const valid = input.recipients.filter((recipient) => EMAIL.test(recipient.email));
	const errors = invalid.map((recipient) => v2Error(`Invalid email address: ${recipient.email}`, 'to.email', recipient.email, 'E-2-010'));
	if (!valid.length) return v2Envelope(requestId, 400, [], errors);
	const stored = state.store({ ...input, recipients: valid });
	const data = stored.map((message) => ({
		to: { email: message.to.email, name: message.to.name, messageId: message.messageId },
		smtpAccount: message.smtpAccount,
		subject: message.subject,
		status: message.status,
	}));
	return v2Envelope(requestId, errors.length ? 207 : 200, data, errors);
}

export function createV2Api(state: SandboxState, v2Keys: { applicationKey: string; authorizationSecret: string }): ApiHandler {
	const { messages, templates, smtpAccounts } = state;
	return (req, action, requestId) => {
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
		if (method === 'POST' && action === 'email') return v2Send(state, requestId, body);
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
}
