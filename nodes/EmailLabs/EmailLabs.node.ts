import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceProperty, resources } from './actions/resources';
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
			resourceProperty,
			...resources.email.description,
			...resources.template.description,
			...resources.blacklist.description,
			...resources.event.description,
			...resources.statistics.description,
			...resources.smtpAccount.description,
			...resources.emailAddress.description,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
