import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { loadOptions } from '../EmailLabs/methods';
import { catchUpProperties } from './description';
import { pollCatchUp } from './pipeline/poll';

export class EmailLabsCatchUpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailLabs Catch-Up Trigger',
		name: 'emailLabsCatchUpTrigger',
		icon: { light: 'file:../../icons/emaillabs.svg', dark: 'file:../../icons/emaillabs.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].length + " event type(s) from the API"}}',
		description: 'Starts the workflow with EmailLabs delivery events read from the API (catches up what webhooks missed)',
		defaults: { name: 'EmailLabs Catch-Up Trigger' },
		// n8n adds the Poll Times parameter to polling nodes.
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'emailLabsApi', required: true }],
		properties: catchUpProperties,
	};

	methods = { loadOptions };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollCatchUp.call(this);
	}
}
