import type { IDataObject } from 'n8n-workflow';

/**
 * The message the transport sends: what every recipient of one API call shares, the recipients,
 * and what EmailLabs' answer says about each of them.
 */

export interface Address {
	email: string;
	name?: string;
}

export type MessageKind = 'send' | 'sendTemplate';

export interface Attachment {
	fileName: string;
	mimeType: string;
	/** base64 */
	content: string;
	inline: boolean;
}

/** Everything two items must share to go out in one API call. */
export interface SharedMessage {
	kind: MessageKind;
	smtpAccount: string;
	from: Address;
	subject: string;
	html?: string;
	text?: string;
	replyTo?: string;
	cc: Address[];
	bcc: Address[];
	headers: Record<string, string>;
	tags: string[];
	attachments: Attachment[];
	templateId?: string;
	globalVars?: IDataObject;
}

export interface Recipient extends Address {
	messageId: string;
	vars?: IDataObject;
}

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

/** A Message ID as EmailLabs stores it: without surrounding white space and angle brackets. */
export const bareMessageId = (id: string): string => id.trim().replace(/^<|>$/g, '');

/** The fields of a recipient that every RecipientResult starts from. */
export const recipientBase = (recipient: Recipient): Pick<RecipientResult, 'email' | 'name' | 'messageId'> => ({
	email: recipient.email,
	...(recipient.name ? { name: recipient.name } : {}),
	messageId: recipient.messageId,
});
