import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import type { EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [...listProperties, optionsCollection()];

export const description = updateDisplayOptions({ show: { resource: ['smtpAccount'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const path = client.generation === 'legacy' ? 'smtp' : 'email/smtpAccount';
		return await client.requestList({ method: 'GET', path }, readPage(this, itemIndex), itemIndex);
	});
}
