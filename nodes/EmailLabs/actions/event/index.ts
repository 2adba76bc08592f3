import type { INodeProperties } from 'n8n-workflow';

import * as getClicks from './getClicks.operation';
import * as getMany from './getMany.operation';
import * as getOpens from './getOpens.operation';

export const operations = { getClicks, getMany, getOpens };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{ name: 'Get Clicks', value: 'getClicks', description: 'List link clicks (EmailLabs keeps the last 3 days)', action: 'Get clicks' },
			{ name: 'Get Many', value: 'getMany', description: 'List messages that reached a final status, e.g. hard bounces', action: 'Get many events by status' },
			{ name: 'Get Opens', value: 'getOpens', description: 'List message opens (EmailLabs keeps the last 3 days)', action: 'Get opens' },
		],
		default: 'getMany',
	},
	...getMany.description,
	...getOpens.description,
	...getClicks.description,
];
