import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import type { EmailLabsClient } from '../../transport';
import type { OperationModule } from '../types';
import { eventFilterCollection, readEventFilters } from './eventFilters';

/** Opens and clicks are the same kind of list on different paths (EmailLabs keeps about 3 days of them). */
export function activityListOperation(operation: string, path: string): OperationModule {
	const properties: INodeProperties[] = [...listProperties, eventFilterCollection(true), optionsCollection()];
	return {
		description: updateDisplayOptions({ show: { resource: ['event'], operation: [operation] } }, properties),
		generations: ['legacy'],
		async execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
			return await executeEachItem(this, items, async (itemIndex) => {
				const query = readEventFilters(this, itemIndex);
				return await client.requestList({ method: 'GET', path, query }, readPage(this, itemIndex), itemIndex);
			});
		},
	};
}
