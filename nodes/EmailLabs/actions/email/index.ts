import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';
import * as sendTemplate from './sendTemplate.operation';

export const operations = { get, getMany, send, sendTemplate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get the delivery status of one message by its Message ID', action: 'Get an email status' },
			{ name: 'Get Many', value: 'getMany', description: 'List sent messages from the email log', action: 'Get many emails' },
			{ name: 'Send', value: 'send', description: 'Send an HTML and/or text email', action: 'Send an email' },
			{
				name: 'Send Template',
				value: 'sendTemplate',
				description: 'Send a stored template with per-recipient variables (Legacy API)',
				action: 'Send a template email',
			},
		],
		default: 'send',
	},
	...send.description,
	...sendTemplate.description,
	...get.description,
	...getMany.description,
];
