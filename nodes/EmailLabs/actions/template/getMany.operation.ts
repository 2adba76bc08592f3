import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { filtersCollection, smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import type { ApiGeneration, EmailLabsClient } from '../../transport';
import { V2_TEMPLATE_PATH } from '../../transport/wireAssumptions';

const properties: INodeProperties[] = [
	...listProperties,
	filtersCollection([
		{ displayName: 'External ID', name: 'externalId', type: 'string', default: '' },
		smtpAccountField(),
	]),
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['v2'];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as Record<string, string>;
		const query = { smtpAccount: filters.smtpAccount || undefined, externalId: filters.externalId || undefined };
		return await client.requestList({ method: 'GET', path: V2_TEMPLATE_PATH, query }, readPage(this, itemIndex), itemIndex);
	});
}
