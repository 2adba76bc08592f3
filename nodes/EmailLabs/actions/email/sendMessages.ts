import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
	type NodeOperationError,
} from 'n8n-workflow';

import { asNodeError, errorItem } from '../../helpers/executeItems';
import { createParameterReader } from '../../helpers/parameters';
import { MAX_RECIPIENTS_PER_REQUEST } from '../../helpers/validation';
import type { EmailLabsClient } from '../../transport';
import type { MessageKind, RecipientResult } from '../../transport/message';
import { planBatches, type Batch } from './batching';
import { deliverBatch, type BatchDelivery } from './deliverBatch';
import { prepareMessage, type PreparedMessage } from './message';

/**
 * Sends the messages of all items: first every item is read and checked (nothing is sent while
 * any item is invalid, unless "Continue On Fail" turns bad items into error items), then the
 * messages go out in as few calls as batching allows, and each answer is mapped back to its items.
 */
export async function sendMessages(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	client: EmailLabsClient,
	kind: MessageKind,
): Promise<INodeExecutionData[]> {
	const outputs: INodeExecutionData[][] = items.map(() => []);
	const prepared: PreparedMessage[] = [];
	const readParameter = createParameterReader(context);
	/** Recipients EmailLabs accepted so far: a stopping error names them, so a re-run can skip them. */
	const delivered: RecipientResult[] = [];
	const fail = (itemIndex: number, error: Error) => {
		if (!context.continueOnFail()) throw withDelivered(asNodeError(context, error, itemIndex), delivered);
		outputs[itemIndex] = [errorItem(error, itemIndex)];
	};

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push(await prepareMessage(context, readParameter, itemIndex, kind));
		} catch (error) {
			fail(itemIndex, error as Error);
		}
	}

	const batching = context.getNodeParameter('options.batching', 0, kind === 'sendTemplate') as boolean;
	const maxRecipients = Math.min(
		MAX_RECIPIENTS_PER_REQUEST,
		Math.max(1, context.getNodeParameter('options.maxRecipientsPerRequest', 0, MAX_RECIPIENTS_PER_REQUEST) as number),
	);
	const batches = planBatches(prepared, { enabled: batching, maxRecipients });

	for (const [batchIndex, batch] of batches.entries()) {
		let delivery: BatchDelivery;
		try {
			delivery = await deliverBatch(context, client, batch);
		} catch (error) {
			// EmailLabs could not be reached for this call: only its items fail.
			for (const message of batch.messages) fail(message.itemIndex, error as Error);
			continue;
		}
		if (delivery.kind === 'refused') {
			for (const message of batch.messages) fail(message.itemIndex, client.toError(delivery.response, message.itemIndex));
			continue;
		}
		for (const message of batch.messages) {
			const recipients = message.recipients.map((recipient) => delivery.results.get(recipient.email.toLowerCase())!);
			delivered.push(...recipients.filter((recipient) => recipient.accepted));
			const json = itemResult(batch, batchIndex, batches.length, recipients, delivery.requestId, delivery.warnings);
			const rejected = recipients.filter((recipient) => !recipient.accepted);
			if (rejected.length) {
				const error = recipientError(context, message.itemIndex, rejected, recipients.length, delivery.statusCode, delivery.requestId);
				fail(message.itemIndex, error);
				if (outputs[message.itemIndex].length) Object.assign(outputs[message.itemIndex][0].json, { recipients: json.recipients });
				continue;
			}
			outputs[message.itemIndex] = [{ json, pairedItem: { item: message.itemIndex } }];
		}
	}
	return outputs.flat();
}

/** Adds to a stopping error how many recipients EmailLabs already accepted, and their Message IDs. */
function withDelivered<T extends NodeApiError | NodeOperationError>(error: T, delivered: RecipientResult[]): T {
	if (!delivered.length) return error;
	const ids = delivered.map((recipient) => recipient.messageId);
	error.description = `${error.description ? `${error.description}. ` : ''}Before this error EmailLabs accepted ${delivered.length} recipient(s) of earlier requests (their Message IDs are in the error's acceptedMessageIds); skip them when you run this again.`;
	Object.assign(error.context, { acceptedRecipients: delivered.length, acceptedMessageIds: ids });
	return error;
}

function itemResult(
	batch: Batch,
	batchIndex: number,
	batchCount: number,
	recipients: RecipientResult[],
	requestId: string | undefined,
	warnings: string[],
): IDataObject {
	const json: IDataObject = {
		status: 'accepted',
		messageId: recipients[0].messageId,
		messageIds: recipients.map((recipient) => recipient.messageId),
		recipients: recipients as unknown as IDataObject[],
		smtpAccount: batch.shared.smtpAccount,
		subject: batch.shared.subject,
		requestId: requestId ?? null,
		request: { number: batchIndex + 1, of: batchCount, recipients: batch.recipientCount },
	};
	if (batch.shared.templateId) json.templateId = batch.shared.templateId;
	if (warnings.length) json.warnings = warnings;
	return json;
}

function recipientError(
	context: IExecuteFunctions,
	itemIndex: number,
	rejected: RecipientResult[],
	total: number,
	statusCode: number,
	requestId: string | undefined,
): NodeApiError {
	const list = rejected.map((recipient) => `${recipient.email} (${recipient.error})`).join(', ');
	return new NodeApiError(
		context.getNode(),
		{ message: list, requestId: requestId ?? null, rejected: rejected as unknown as JsonObject[] } as JsonObject,
		{
			message: `EmailLabs rejected ${rejected.length} of ${total} recipient(s) of this item: ${list}`,
			description: `HTTP ${statusCode}${requestId ? `, request id ${requestId}` : ''}`,
			httpCode: String(statusCode),
			itemIndex,
		},
	);
}
