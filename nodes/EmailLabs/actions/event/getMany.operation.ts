import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import { EVENT_STATUSES, listStatusEvents } from '../../helpers/statusEvents';
import { checkDateRange, invalidInput, toDate } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';
import { eventFilterCollection, readEventFilters } from './eventFilters';

const properties: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: EVENT_STATUSES,
		default: 'hardbounce',
		description: 'The final status of the messages to list',
	},
	{
		displayName: 'Since',
		name: 'since',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'List events from this moment on (EmailLabs requires a start time)',
	},
	{ displayName: 'Until', name: 'until', type: 'dateTime', default: '', description: 'List events up to this moment' },
	...listProperties,
	eventFilterCollection(false),
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const status = this.getNodeParameter('status', itemIndex) as string;
		if (!EVENT_STATUSES.some((option) => option.value === status)) {
			throw invalidInput(this, itemIndex, `Unknown status "${status}"`, `Use one of: ${EVENT_STATUSES.map((option) => option.value).join(', ')}`);
		}
		const since = toDate(this, itemIndex, this.getNodeParameter('since', itemIndex), 'Since');
		if (!since) throw invalidInput(this, itemIndex, 'Since is required: EmailLabs lists events from a start time');
		const until = toDate(this, itemIndex, this.getNodeParameter('until', itemIndex, ''), 'Until');
		checkDateRange(this, itemIndex, since, until);
		const filter = readEventFilters(this, itemIndex);
		return await listStatusEvents(client, status, { from: since, to: until }, filter, readPage(this, itemIndex), itemIndex);
	});
}
