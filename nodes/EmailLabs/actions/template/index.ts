import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteTemplate from './delete.operation';
import * as getMany from './getMany.operation';

export const operations = { create, delete: deleteTemplate, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Store an HTML template with {{ variables }}', action: 'Create a template' },
			{ name: 'Delete', value: 'delete', description: 'Delete a stored template', action: 'Delete a template' },
			{ name: 'Get Many', value: 'getMany', description: 'List stored templates (API v2.1)', action: 'Get many templates' },
		],
		default: 'create',
	},
	...create.description,
	...deleteTemplate.description,
	...getMany.description,
];
