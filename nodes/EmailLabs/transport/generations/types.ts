import type { ApiGeneration, EmailLabsResponse } from '../envelope';
import type { Recipient, RecipientResult, SharedMessage } from '../message';
import type { PhpFormValue } from '../phpForm';
import type { RequestSpec } from '../request';

/** What EmailLabs' answer to a send call says about each recipient. */
export interface SendAnswer {
	/** By lower-cased address: every recipient of the call. */
	results: Map<string, RecipientResult>;
	/** Errors of the answer that name no recipient. */
	unmatchedErrors: string[];
}

/**
 * One API generation on the wire: its name, where it lives, the paths of the endpoints both
 * generations have, and the encode/decode pair of a send. Everything that differs between the
 * legacy API and API v2.1 for those is here, once per generation.
 */
export interface ApiWire {
	readonly generation: ApiGeneration;
	/** How the credential names this generation, e.g. in "not available with an EmailLabs … credential". */
	readonly name: string;
	/** The API base unless the credential gives another. */
	readonly defaultBaseUrl: string;
	/** Rows asked for per page while following a list. */
	readonly pageSize: number;
	readonly paths: {
		readonly smtpAccounts: string;
		/** The email log. */
		readonly emails: string;
		readonly createTemplate: string;
		deleteTemplate(templateId: string): string;
	};
	/** Where to ask whether EmailLabs holds a message with this Message ID. */
	messageLookup(messageId: string): { path: string; query: Record<string, PhpFormValue> };
	/** Encodes one send call: the shared message for these recipients. */
	sendRequest(shared: SharedMessage, recipients: readonly Recipient[]): RequestSpec;
	/** Decodes EmailLabs' successful answer to that call per recipient. */
	readSendAnswer(recipients: readonly Recipient[], response: EmailLabsResponse): SendAnswer;
}
