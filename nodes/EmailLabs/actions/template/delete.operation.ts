import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { invalidInput } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Template ID', name: 'templateId', type: 'string', default: '', required: true },
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['template'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const templateId = String(this.getNodeParameter('templateId', itemIndex) ?? '').trim();
		if (!templateId) throw invalidInput(this, itemIndex, 'Template ID is required');
		const response = await client.request({ method: 'DELETE', path: client.wire.paths.deleteTemplate(templateId) }, itemIndex);
		return { templateId, deleted: true, requestId: response.requestId ?? null };
	});
}
