import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as check from './check.operation';
import * as getMany from './getMany.operation';
import * as remove from './remove.operation';

export const operations = { add, check, getMany, remove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['blacklist'] } },
		options: [
			{ name: 'Add', value: 'add', description: 'Suppress an address: EmailLabs will not send to it', action: 'Add an address to the blacklist' },
			{ name: 'Check', value: 'check', description: 'Check whether an address is on the blacklist', action: 'Check if an address is blacklisted' },
			{ name: 'Get Many', value: 'getMany', description: 'List blacklisted addresses', action: 'Get many blacklisted addresses' },
			{ name: 'Remove', value: 'remove', description: 'Allow sending to an address again', action: 'Remove an address from the blacklist' },
		],
		default: 'add',
	},
	...add.description,
	...check.description,
	...getMany.description,
	...remove.description,
];
