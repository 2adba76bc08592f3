import type { IDataObject } from 'n8n-workflow';

import type { ApiErrorEntry, EmailLabsResponse } from '../envelope';
import { bareMessageId, recipientBase, type Recipient, type RecipientResult, type SharedMessage } from '../message';
import { V2_PAGE_SIZE, V2_TEMPLATE_PATH, v2MessageLookup } from '../wireAssumptions';
import type { ApiWire, SendAnswer } from './types';

export const V2_API_URL = 'https://api.emaillabs.io/v2.1';

/**
 * v2.1 `POST /email` EmailObject, as public clients send it: github.com/aktualnosci-be/pracujbe
 * (src/lib/email/transport/emaillabs.ts), github.com/bedikryst/VoctManager
 * (backend/notifications/emaillabs_backend.py) and github.com/woogitsu/kuking.pl
 * (app/Poczta/TransportEmailLabs.php, which follows https://apidocs.emaillabs.io/openapi.json).
 */
function toV2Body(shared: SharedMessage, recipients: readonly Recipient[]): IDataObject {
	const body: IDataObject = {
		smtpAccount: shared.smtpAccount,
		subject: shared.subject,
		from: { ...shared.from },
		to: recipients.map((recipient) => recipientBase(recipient)),
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

function errorMentions(error: ApiErrorEntry, email: string, index: number): boolean {
	const haystack = `${error.value ?? ''} ${error.parameter ?? ''} ${error.message}`.toLowerCase();
	if (haystack.includes(email.toLowerCase())) return true;
	return new RegExp(`\\bto(\\[|\\.)${index}(\\]|\\.|\\b)`).test(error.parameter ?? '');
}

/**
 * v2.1 answers: `data[]` per accepted recipient (`to` as an object per the OpenAPI file, or a list
 * per another client: both are read), and with HTTP 207 `errors[]` for the rejected ones.
 */
function readV2Results(recipients: readonly Recipient[], response: EmailLabsResponse): SendAnswer {
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
	const results = new Map<string, RecipientResult>();
	const unmatched = new Set(response.errors);
	recipients.forEach((recipient, index) => {
		const key = recipient.email.toLowerCase();
		const base = recipientBase(recipient);
		const errors = response.errors.filter((error) => errorMentions(error, recipient.email, index));
		errors.forEach((error) => unmatched.delete(error));
		if (errors.length) {
			results.set(key, { ...base, accepted: false, confirmed: true, error: errors.map((error) => error.message).join('; ') });
		} else if (accepted.has(key)) {
			results.set(key, { ...base, messageId: bareMessageId(accepted.get(key) ?? recipient.messageId), accepted: true, confirmed: true });
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

/** API v2.1 (new panel): `Application-Key` and `Authorization` headers, JSON bodies. */
export const v2Wire: ApiWire = {
	generation: 'v2',
	name: 'API v2.1',
	defaultBaseUrl: V2_API_URL,
	pageSize: V2_PAGE_SIZE,
	paths: {
		smtpAccounts: 'email/smtpAccount',
		emails: 'email',
		createTemplate: V2_TEMPLATE_PATH,
		deleteTemplate: (templateId) => `${V2_TEMPLATE_PATH}/${encodeURIComponent(templateId)}`,
	},
	messageLookup: v2MessageLookup,
	sendRequest: (shared, recipients) => ({ method: 'POST', path: 'email', json: toV2Body(shared, recipients) }),
	readSendAnswer: readV2Results,
};
