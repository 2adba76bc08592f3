import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { legacyFilter, smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { invalidInput } from '../../helpers/validation';
import { toList, type ApiGeneration, type EmailLabsClient } from '../../transport';
import { bareMessageId } from '../../transport/message';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		description: 'The Message ID returned by Send (angle brackets are optional)',
	},
	smtpAccountField({ description: 'Narrows the search to one SMTP account. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['email'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const messageId = bareMessageId(String(this.getNodeParameter('messageId', itemIndex) ?? ''));
		if (!messageId) throw invalidInput(this, itemIndex, 'Message ID is required');
		const smtpAccount = String(this.getNodeParameter('smtpAccount', itemIndex, '') ?? '').trim() || undefined;
		const query =
			client.generation === 'legacy'
				? { ...legacyFilter({ message_id: messageId, account: smtpAccount }), limit: 1 }
				: { messageId, smtpAccount, limit: 1 };
		// Not found is an answer ("found": false), so a workflow can branch on it.
		const response = await client.request({ method: 'GET', path: client.wire.paths.emails, query, emptyOnNotFound: true }, itemIndex);
		const [email] = toList(response.data);
		return email ? { found: true, messageId, ...email } : { found: false, messageId };
	});
}
