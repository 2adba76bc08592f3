import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { ApiGeneration, EmailLabsClient } from '../../transport';
import { additionalFields, senderFields, sendOptions } from './messageFields';
import { sendMessages } from './sendMessages';

const properties: INodeProperties[] = [
	...senderFields,
	{ displayName: 'HTML', name: 'html', type: 'string', typeOptions: { rows: 6 }, default: '', description: 'HTML body (HTML, Text or both)' },
	{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'Plain-text body or alternative' },
	additionalFields,
	sendOptions(false),
];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['email'], operation: ['send'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await sendMessages(this, items, client, 'send');
}
