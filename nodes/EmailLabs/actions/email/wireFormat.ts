import type { IDataObject } from 'n8n-workflow';

import type { ApiErrorEntry, EmailLabsResponse } from '../../transport';
import type { PhpFormValue } from '../../transport/phpForm';
import { looksLikeMessageId } from '../../transport/wireAssumptions';
import type { Address } from '../../helpers/validation';
import type { Batch } from './batching';

export interface RecipientResult {
	email: string;
	name?: string;
	messageId: string;
	accepted: boolean;
	/** Whether EmailLabs named this recipient in its answer (otherwise accepted with the sent Message-ID). */
	confirmed: boolean;
	/** Accepted according to a lookup by Message ID after the send's own answer was lost. */
	lookedUp?: boolean;
	error?: string;
}

const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '');

function copyAddresses(addresses: Address[], field: 'cc' | 'bcc'): Record<string, PhpFormValue> {
	if (!addresses.length) return {};
	if (addresses.length === 1) {
		return { [field]: addresses[0].email, [`${field}_name`]: addresses[0].name };
	}
	// Several copies: `multi_cc=1` and `cc[address]=name` (official library allowedData; clients C4, C11).
	return {
		[`multi_${field}`]: 1,
		[field]: Object.fromEntries(addresses.map((address) => [address.email, address.name ?? ''])),
	};
}

/** Legacy `new_sendmail` / `sendmail_templates` form fields (official library and docs D2). */
export function toLegacyForm(batch: Batch): Record<string, PhpFormValue> {
	const { shared } = batch;
	const to: Record<string, PhpFormValue> = {};
	for (const message of batch.messages) {
		for (const recipient of message.recipients) {
			// `reciver_name` is the API's own spelling.
			to[recipient.email] = { message_id: recipient.messageId, reciver_name: recipient.name, vars: recipient.vars as PhpFormValue };
		}
	}
	return {
		smtp_account: shared.smtpAccount,
		subject: shared.subject,
		from: shared.from.email,
		from_name: shared.from.name,
		to,
		html: shared.html,
		text: shared.text,
		reply_to: shared.replyTo,
		...copyAddresses(shared.cc, 'cc'),
		...copyAddresses(shared.bcc, 'bcc'),
		headers: Object.keys(shared.headers).length ? shared.headers : undefined,
		tags: shared.tags.length ? shared.tags : undefined,
		files: shared.attachments.length
			? shared.attachments.map((file) => ({ name: file.fileName, mime: file.mimeType, content: file.content, inline: file.inline ? 1 : undefined }))
			: undefined,
		template_id: shared.templateId,
		global_vars: shared.globalVars as PhpFormValue,
	};
}

/** v2.1 `POST /email` EmailObject (secondhand V1–V3). */
export function toV2Body(batch: Batch): IDataObject {
	const { shared } = batch;
	const body: IDataObject = {
		smtpAccount: shared.smtpAccount,
		subject: shared.subject,
		from: { ...shared.from },
		to: batch.messages.flatMap((message) =>
			message.recipients.map((recipient) => ({ email: recipient.email, ...(recipient.name ? { name: recipient.name } : {}), messageId: recipient.messageId })),
		),
		content: { ...(shared.html ? { html: shared.html } : {}), ...(shared.text ? { text: shared.text } : {}) },
	};
	if (shared.cc.length) body.cc = shared.cc.map((address) => ({ ...address }));
	if (shared.bcc.length) body.bcc = shared.bcc.map((address) => ({ ...address }));
	if (shared.replyTo) body.replyTo = { email: shared.replyTo };
	if (Object.keys(shared.headers).length) body.headers = { ...shared.headers };
	if (shared.tags.length) body.tags = [...shared.tags];
	if (shared.attachments.length) {
		body.attachments = shared.attachments.map((file) => ({
			fileName: file.fileName,
			fileMime: file.mimeType,
			fileContent: file.content,
			inline: file.inline,
		}));
	}
	return body;
}

function batchRecipients(batch: Batch) {
	return batch.messages.flatMap((message) => message.recipients);
}

/** Legacy `data`: `[{address: messageId}]`, possibly one object for all; a value may be an error text (C5). */
export function readLegacyResults(batch: Batch, response: EmailLabsResponse): Map<string, RecipientResult> {
	const answered = new Map<string, unknown>();
	const collect = (entry: unknown) => {
		if (Array.isArray(entry)) entry.forEach(collect);
		else if (typeof entry === 'object' && entry !== null) {
			for (const [address, value] of Object.entries(entry)) answered.set(address.toLowerCase(), value);
		}
	};
	collect(response.data);
	const results = new Map<string, RecipientResult>();
	for (const recipient of batchRecipients(batch)) {
		const base = { email: recipient.email, ...(recipient.name ? { name: recipient.name } : {}), messageId: recipient.messageId };
		const key = recipient.email.toLowerCase();
		if (!answered.has(key)) {
			results.set(key, { ...base, accepted: true, confirmed: false });
			continue;
		}
		let value = answered.get(key);
		if (typeof value === 'object' && value !== null) {
			const record = value as IDataObject;
			value = record.message_id ?? record.messageId ?? record.error ?? record.message ?? JSON.stringify(record);
		}
		results.set(
			key,
			looksLikeMessageId(value)
				? { ...base, messageId: stripBrackets(value), accepted: true, confirmed: true }
				: { ...base, accepted: false, confirmed: true, error: String(value) },
		);
	}
	return results;
}

function errorMentions(error: ApiErrorEntry, email: string, index: number): boolean {
	const haystack = `${error.value ?? ''} ${error.parameter ?? ''} ${error.message}`.toLowerCase();
	if (haystack.includes(email.toLowerCase())) return true;
	return new RegExp(`\\bto(\\[|\\.)${index}(\\]|\\.|\\b)`).test(error.parameter ?? '');
}

/**
 * v2.1 answers: `data[]` per accepted recipient (`to` as an object per the OpenAPI file, or a list
 * per another client: both are read), and with HTTP 207 `errors[]` for the rejected ones.
 */
export function readV2Results(batch: Batch, response: EmailLabsResponse): { results: Map<string, RecipientResult>; unmatchedErrors: string[] } {
	const accepted = new Map<string, string | undefined>();
	const entries = Array.isArray(response.data) ? response.data : response.data ? [response.data] : [];
	for (const entry of entries as IDataObject[]) {
		const targets = Array.isArray(entry?.to) ? entry.to : entry?.to ? [entry.to] : [entry];
		for (const target of targets as IDataObject[]) {
			if (typeof target?.email === 'string') {
				accepted.set(target.email.toLowerCase(), typeof target.messageId === 'string' ? target.messageId : undefined);
			}
		}
	}
	const recipients = batchRecipients(batch);
	const results = new Map<string, RecipientResult>();
	const unmatched = new Set(response.errors);
	recipients.forEach((recipient, index) => {
		const key = recipient.email.toLowerCase();
		const base = { email: recipient.email, ...(recipient.name ? { name: recipient.name } : {}), messageId: recipient.messageId };
		const errors = response.errors.filter((error) => errorMentions(error, recipient.email, index));
		errors.forEach((error) => unmatched.delete(error));
		if (errors.length) {
			results.set(key, { ...base, accepted: false, confirmed: true, error: errors.map((error) => error.message).join('; ') });
		} else if (accepted.has(key)) {
			results.set(key, { ...base, messageId: stripBrackets(accepted.get(key) ?? recipient.messageId), accepted: true, confirmed: true });
		} else {
			results.set(key, { ...base, accepted: true, confirmed: false });
		}
	});
	// A partial answer whose errors name no recipient: those not confirmed are the rejected ones.
	if (unmatched.size && entries.length) {
		const reason = [...unmatched].map((error) => error.message).join('; ');
		for (const result of results.values()) {
			if (!result.confirmed) Object.assign(result, { accepted: false, error: reason });
		}
		unmatched.clear();
	}
	return { results, unmatchedErrors: [...unmatched].map((error) => error.message) };
}
