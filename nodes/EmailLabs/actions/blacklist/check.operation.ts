import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { requireEmail } from '../../helpers/validation';
import { toList, type ApiGeneration, type EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', required: true },
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['blacklist'], operation: ['check'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const email = requireEmail(this, itemIndex, this.getNodeParameter('email', itemIndex), 'Email');
		// "Not on the blacklist" is EmailLabs' 404 "No items": an answer, not an error.
		const response = await client.request(
			{ method: 'GET', path: `blacklists/email/${encodeURIComponent(email)}`, emptyOnNotFound: true },
			itemIndex,
		);
		const entries = toList(response.data);
		return { email, blacklisted: entries.length > 0, entries };
	});
}
