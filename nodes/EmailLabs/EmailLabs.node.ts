import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as blacklist from './actions/blacklist';
import * as email from './actions/email';
import * as emailAddress from './actions/emailAddress';
import * as event from './actions/event';
import * as smtpAccount from './actions/smtpAccount';
import * as statistics from './actions/statistics';
import * as template from './actions/template';
import { router } from './actions/router';
import { loadOptions } from './methods';

export class EmailLabs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailLabs',
		name: 'emailLabs',
		icon: { light: 'file:../../icons/emaillabs.svg', dark: 'file:../../icons/emaillabs.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send email through EmailLabs and manage templates, blacklist, logs and statistics',
		defaults: { name: 'EmailLabs' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'emailLabsApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Blacklist', value: 'blacklist' },
					{ name: 'Email', value: 'email' },
					{ name: 'Email Address', value: 'emailAddress' },
					{ name: 'Event', value: 'event' },
					{ name: 'SMTP Account', value: 'smtpAccount' },
					{ name: 'Statistic', value: 'statistics' },
					{ name: 'Template', value: 'template' },
				],
				default: 'email',
			},
			...email.description,
			...template.description,
			...blacklist.description,
			...event.description,
			...statistics.description,
			...smtpAccount.description,
			...emailAddress.description,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
