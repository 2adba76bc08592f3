import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { optionsCollection } from '../../helpers/options';
import { MAX_STATISTICS_RANGE_DAYS, checkDateRange, invalidInput, toDate } from '../../helpers/validation';
import type { EmailLabsClient } from '../../transport';
import { toLegacyFilterTime } from '../../transport/wireAssumptions';
import type { OperationModule } from '../types';

/** Aggregates by status (`agregate`) and by tag (`agregate_tags`): same query, different path. */
export function aggregateOperation(operation: string, path: string, groupBy: 'status' | 'tag'): OperationModule {
	const properties: INodeProperties[] = [
		{ displayName: 'From', name: 'dateFrom', type: 'dateTime', default: '', required: true, description: 'Start of the period' },
		{
			displayName: 'To',
			name: 'dateTo',
			type: 'dateTime',
			default: '',
			required: true,
			description: `End of the period (at most ${MAX_STATISTICS_RANGE_DAYS} days after the start)`,
		},
		smtpAccountField({ description: 'Only this SMTP account. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
		optionsCollection(),
	];
	return {
		description: updateDisplayOptions({ show: { resource: ['statistics'], operation: [operation] } }, properties),
		generations: ['legacy'],
		async execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
			return await executeEachItem(this, items, async (itemIndex) => {
				const from = toDate(this, itemIndex, this.getNodeParameter('dateFrom', itemIndex), 'From');
				const to = toDate(this, itemIndex, this.getNodeParameter('dateTo', itemIndex), 'To');
				if (!from || !to) throw invalidInput(this, itemIndex, 'From and To are required for statistics');
				checkDateRange(this, itemIndex, from, to, MAX_STATISTICS_RANGE_DAYS);
				const smtpAccount = String(this.getNodeParameter('smtpAccount', itemIndex, '') ?? '').trim();
				const response = await client.request(
					{
						method: 'GET',
						path,
						query: {
							smtp_account: smtpAccount || undefined,
							date_from: toLegacyFilterTime(from),
							date_to: toLegacyFilterTime(to),
						},
					},
					itemIndex,
				);
				return {
					groupBy,
					smtpAccount: smtpAccount || null,
					dateFrom: from.toISOString(),
					dateTo: to.toISOString(),
					statistics: (response.data ?? {}) as never,
				};
			});
		},
	};
}
