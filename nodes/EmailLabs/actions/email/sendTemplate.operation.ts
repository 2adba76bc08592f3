import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { ApiGeneration, EmailLabsClient } from '../../transport';
import { additionalFields, senderFields, sendOptions } from './messageFields';
import { sendMessages } from './sendMessages';

const options = sendOptions(true, [
	{
		displayName: 'Global Variables (JSON)',
		name: 'globalVariablesJson',
		type: 'json',
		default: '',
		description: 'Variables shared by every recipient; EmailLabs lets them win over per-recipient variables with the same name',
	},
]);

const properties: INodeProperties[] = [
	...senderFields,
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		default: '',
		required: true,
		description: 'ID returned by Template → Create (or shown in the EmailLabs panel)',
	},
	{
		displayName: 'Variables',
		name: 'variablesMode',
		type: 'options',
		options: [
			{ name: 'Using Fields Below', value: 'keyValue' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'keyValue',
		description: 'How to give the recipient’s template variables, used as {{ name }} in the template',
	},
	{
		displayName: 'Variables',
		name: 'variablesUi',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		displayOptions: { show: { variablesMode: ['keyValue'] } },
		description: 'A dot in a name nests it: address.city becomes {{ address.city }}',
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'firstName' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: '={{ $json.firstName }}' },
				],
			},
		],
	},
	{
		displayName: 'Variables (JSON)',
		name: 'variablesJson',
		type: 'json',
		default: '{\n  "firstName": "Jan"\n}',
		displayOptions: { show: { variablesMode: ['json'] } },
		description: 'An object; nested objects and lists are allowed',
	},
	additionalFields,
	options,
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['email'], operation: ['sendTemplate'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await sendMessages(this, items, client, 'sendTemplate');
}
