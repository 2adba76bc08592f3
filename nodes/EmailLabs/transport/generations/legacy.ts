import type { IDataObject } from 'n8n-workflow';

import { bareMessageId, recipientBase, type Address, type MessageKind, type Recipient, type RecipientResult, type SharedMessage } from '../message';
import type { PhpFormValue } from '../phpForm';
import { LEGACY_DELETE_TEMPLATE_PATH, LEGACY_PAGE_SIZE, legacyMessageLookup, looksLikeMessageId } from '../wireAssumptions';
import type { ApiWire } from './types';

export const LEGACY_API_URL = 'https://api.emaillabs.net.pl/api';

const SEND_PATHS: Record<MessageKind, string> = { send: 'new_sendmail', sendTemplate: 'sendmail_templates' };

function copyAddresses(addresses: Address[], field: 'cc' | 'bcc'): Record<string, PhpFormValue> {
	if (!addresses.length) return {};
	if (addresses.length === 1) {
		return { [field]: addresses[0].email, [`${field}_name`]: addresses[0].name };
	}
	// Several copies: `multi_cc=1` and `cc[address]=name`. The official PHP library allows
	// `multi_cc`/`multi_bcc` (github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Actions/Sendmail.php,
	// $allowedData); the map form is how clients send them (github.com/filipzyminkowski/emaillabs-mailer,
	// src/Transport/EmailLabsApiTransport.php, and github.com/ipwspl/laravel-emaillabs-transport).
	return {
		[`multi_${field}`]: 1,
		[field]: Object.fromEntries(addresses.map((address) => [address.email, address.name ?? ''])),
	};
}

/**
 * Legacy `new_sendmail` / `sendmail_templates` form fields, as the official PHP library sends them
 * (github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Actions/Sendmail.php and SendmailTemplates.php)
 * and the old vendor page "Wysyłka wiadomości e-mail" documents them
 * (https://docs.emaillabs.pl/api/wysylka-wiadomosci-e-mail/).
 */
function toLegacyForm(shared: SharedMessage, recipients: readonly Recipient[]): Record<string, PhpFormValue> {
	const to: Record<string, PhpFormValue> = {};
	for (const recipient of recipients) {
		// `reciver_name` is the API's own spelling.
		to[recipient.email] = { message_id: recipient.messageId, reciver_name: recipient.name, vars: recipient.vars as PhpFormValue };
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

/**
 * Legacy `data`: `[{address: messageId}]`, possibly one object for all; a value may be an error
 * text for that recipient (see looksLikeMessageId).
 */
function readLegacyResults(recipients: readonly Recipient[], data: unknown): Map<string, RecipientResult> {
	const answered = new Map<string, unknown>();
	const collect = (entry: unknown) => {
		if (Array.isArray(entry)) entry.forEach(collect);
		else if (typeof entry === 'object' && entry !== null) {
			for (const [address, value] of Object.entries(entry)) answered.set(address.toLowerCase(), value);
		}
	};
	collect(data);
	const results = new Map<string, RecipientResult>();
	for (const recipient of recipients) {
		const base = recipientBase(recipient);
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
				? { ...base, messageId: bareMessageId(value), accepted: true, confirmed: true }
				: { ...base, accepted: false, confirmed: true, error: String(value) },
		);
	}
	return results;
}

/** The legacy API ("v1", old panel): Basic auth, PHP-style form bodies. */
export const legacyWire: ApiWire = {
	generation: 'legacy',
	name: 'Legacy API',
	defaultBaseUrl: LEGACY_API_URL,
	pageSize: LEGACY_PAGE_SIZE,
	paths: {
		smtpAccounts: 'smtp',
		emails: 'emails',
		createTemplate: 'add_template',
		deleteTemplate: LEGACY_DELETE_TEMPLATE_PATH,
	},
	messageLookup: legacyMessageLookup,
	sendRequest: (shared, recipients) => ({ method: 'POST', path: SEND_PATHS[shared.kind], form: toLegacyForm(shared, recipients) }),
	readSendAnswer: (recipients, response) => ({ results: readLegacyResults(recipients, response.data), unmatchedErrors: [] }),
};
