import type { INodeProperties } from 'n8n-workflow';

import * as getByStatus from './getByStatus.operation';
import * as getByTag from './getByTag.operation';

export const operations = { getByStatus, getByTag };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['statistics'] } },
		options: [
			{ name: 'Get by Status', value: 'getByStatus', description: 'Message counts per status over a period of up to 62 days', action: 'Get statistics by status' },
			{ name: 'Get by Tag', value: 'getByTag', description: 'Message counts per tag over a period of up to 62 days', action: 'Get statistics by tag' },
		],
		default: 'getByStatus',
	},
	...getByStatus.description,
	...getByTag.description,
];
