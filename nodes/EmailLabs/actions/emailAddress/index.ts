import type { INodeProperties } from 'n8n-workflow';

import * as checkDisposable from './checkDisposable.operation';

export const operations = { checkDisposable };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['emailAddress'] } },
		options: [
			{
				name: 'Check Disposable',
				value: 'checkDisposable',
				description: 'Check whether an address belongs to a disposable (temporary) mailbox provider',
				action: 'Check if an email address is disposable',
			},
		],
		default: 'checkDisposable',
	},
	...checkDisposable.description,
];
