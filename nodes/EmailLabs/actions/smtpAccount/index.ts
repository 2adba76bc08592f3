import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export const operations = { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['smtpAccount'] } },
		options: [
			{ name: 'Get Many', value: 'getMany', description: 'List the SMTP accounts (sub-accounts) of the EmailLabs account', action: 'Get many SMTP accounts' },
		],
		default: 'getMany',
	},
	...getMany.description,
];
