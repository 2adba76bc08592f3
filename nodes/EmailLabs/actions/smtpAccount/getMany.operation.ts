import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [...listProperties, optionsCollection()];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['smtpAccount'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		return await client.requestList({ method: 'GET', path: client.wire.paths.smtpAccounts }, readPage(this, itemIndex), itemIndex);
	});
}
