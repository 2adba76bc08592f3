import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { EmailLabsClient, EmailLabsResponse } from '../../transport';
import { recipientBase, type RecipientResult } from '../../transport/message';
import { retryDelayMs } from '../../transport/retryPolicy';
import type { Batch } from './batching';

/** What became of one API call's recipients. */
export type BatchDelivery =
	| {
			kind: 'answered';
			/** By lower-cased address: every recipient of the batch. */
			results: Map<string, RecipientResult>;
			requestId: string | undefined;
			statusCode: number;
			warnings: string[];
	  }
	/** EmailLabs refused the call as a whole (the answer's error applies to every recipient). */
	| { kind: 'refused'; response: EmailLabsResponse };

/** Keeps only the recipients whose Message ID is in `messageIds`; undefined when none is left. */
function narrow(batch: Batch, messageIds: Set<string>): Batch | undefined {
	const messages = batch.messages
		.map((message) => ({ ...message, recipients: message.recipients.filter((recipient) => messageIds.has(recipient.messageId)) }))
		.filter((message) => message.recipients.length > 0);
	if (!messages.length) return undefined;
	return { shared: batch.shared, messages, recipientCount: messages.reduce((sum, message) => sum + message.recipients.length, 0) };
}

const recipientsOf = (batch: Batch) => batch.messages.flatMap((message) => message.recipients);

/**
 * Sends one batch so that no recipient gets the message twice: after an ambiguous failure (502,
 * 504, connection lost after sending) EmailLabs is asked which of the node's Message IDs it holds;
 * only the ones it does not hold are sent again (at most Max Tries calls in all), and a recipient
 * whose fate cannot be learned is reported, never re-sent. A network failure that outlasts the
 * retries throws (the caller turns it into error items for this batch).
 */
export async function deliverBatch(
	context: IExecuteFunctions,
	client: EmailLabsClient,
	batch: Batch,
): Promise<BatchDelivery> {
	const itemIndex = batch.messages[0].itemIndex;
	const results = new Map<string, RecipientResult>();
	const warnings: string[] = [];
	let requestId: string | undefined;
	let statusCode = 0;
	let pending: Batch | undefined = batch;
	let reason = '';

	for (let attempt = 1; pending !== undefined && attempt <= client.maxTries; attempt++) {
		const sent = await client.sendMessage(pending.shared, recipientsOf(pending), itemIndex);
		if (sent.unknown === undefined) {
			if (sent.failed) {
				// A refusal of a retried remainder concerns only that remainder.
				if (pending === batch) return { kind: 'refused', response: sent.response };
				const message = client.toError(sent.response).message;
				for (const recipient of recipientsOf(pending)) {
					results.set(recipient.email.toLowerCase(), { email: recipient.email, messageId: recipient.messageId, accepted: false, confirmed: true, error: message });
				}
			} else {
				for (const [key, result] of sent.answer.results) results.set(key, result);
				warnings.push(...sent.answer.unmatchedErrors);
				requestId = sent.response.requestId;
				statusCode = sent.response.statusCode;
			}
			pending = undefined;
			break;
		}

		reason = sent.unknown;
		context.logger.warn(`EmailLabs: a send failed ambiguously (${reason}); asking EmailLabs which of its ${pending.recipientCount} recipient(s) it accepted`);
		// Give EmailLabs a moment to list what it accepted before asking.
		await sleep(retryDelayMs(attempt));
		const ids = recipientsOf(pending).map((recipient) => recipient.messageId);
		const found = await client.findMessages(ids, itemIndex);
		const notFound = new Set<string>();
		for (const recipient of recipientsOf(pending)) {
			const held = found.get(recipient.messageId);
			const base = recipientBase(recipient);
			if (held === true) results.set(recipient.email.toLowerCase(), { ...base, accepted: true, confirmed: true, lookedUp: true });
			else if (held === false) notFound.add(recipient.messageId);
			else {
				results.set(recipient.email.toLowerCase(), {
					...base,
					accepted: false,
					confirmed: false,
					error: `EmailLabs may have accepted this message (${reason}) and could not be asked; it was not sent again to avoid a duplicate. Look up Message ID ${recipient.messageId} before re-sending.`,
				});
			}
		}
		pending = narrow(pending, notFound);
	}

	for (const recipient of pending ? recipientsOf(pending) : []) {
		results.set(recipient.email.toLowerCase(), {
			email: recipient.email,
			messageId: recipient.messageId,
			accepted: false,
			confirmed: true,
			error: `Not accepted after ${client.maxTries} tries (${reason}); EmailLabs does not hold Message ID ${recipient.messageId}, so sending again is safe.`,
		});
	}
	return { kind: 'answered', results, requestId, statusCode, warnings };
}
