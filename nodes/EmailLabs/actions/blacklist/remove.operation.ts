import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { requireEmail } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', required: true },
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['blacklist'], operation: ['remove'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const email = requireEmail(this, itemIndex, this.getNodeParameter('email', itemIndex), 'Email');
		const response = await client.request({ method: 'DELETE', path: `blacklists/email/${encodeURIComponent(email)}` }, itemIndex);
		return { email, removed: true, requestId: response.requestId ?? null };
	});
}
