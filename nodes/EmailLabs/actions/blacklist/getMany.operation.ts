import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { blacklistReasonField, dateRangeFields, filtersCollection, legacyFilter, smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import { checkDateRange, toDate } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';

const properties: INodeProperties[] = [
	...listProperties,
	filtersCollection([
		...dateRangeFields,
		{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
		blacklistReasonField(),
		smtpAccountField(),
		{
			displayName: 'Source',
			name: 'source',
			type: 'string',
			default: '',
			placeholder: 'smtp',
			description: 'How the address got on the list, e.g. smtp (automatic on a hard bounce), API, Panel, unsubscribe',
		},
	]),
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy'];

export const description = updateDisplayOptions({ show: { resource: ['blacklist'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as Record<string, string>;
		const from = toDate(this, itemIndex, filters.dateFrom, 'From');
		const to = toDate(this, itemIndex, filters.dateTo, 'To');
		checkDateRange(this, itemIndex, from, to);
		const query = legacyFilter({
			account: filters.smtpAccount,
			email: filters.email,
			reason: filters.reason,
			source: filters.source,
			'created_at.from': from,
			'created_at.to': to,
		});
		return await client.requestList({ method: 'GET', path: 'blacklists', query }, readPage(this, itemIndex), itemIndex);
	});
}
