import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { dateRangeFields, filtersCollection, legacyFilter, smtpAccountField } from '../../helpers/commonFields';
import { executeEachItem } from '../../helpers/executeItems';
import { listProperties, readPage } from '../../helpers/listing';
import { optionsCollection } from '../../helpers/options';
import { EVENT_STATUSES, listStatusEvents } from '../../helpers/statusEvents';
import { checkDateRange, invalidInput, toDate } from '../../helpers/validation';
import type { ApiGeneration, EmailLabsClient } from '../../transport';
import { bareMessageId } from '../../transport/message';
import { V2_EMAIL_LIST_FILTERS } from '../../transport/wireAssumptions';

const properties: INodeProperties[] = [
	...listProperties,
	filtersCollection([
		...dateRangeFields,
		{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '' },
		{ displayName: 'Recipient', name: 'recipient', type: 'string', placeholder: 'name@email.com', default: '' },
		smtpAccountField(),
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [{ name: 'Any', value: '' }, ...EVENT_STATUSES],
			default: '',
			description: 'Only messages with this final status (needs a From date with the legacy API)',
		},
	]),
	optionsCollection(),
];

export const generations: readonly ApiGeneration[] = ['legacy', 'v2'];

export const description = updateDisplayOptions({ show: { resource: ['email'], operation: ['getMany'] } }, properties);

interface EmailFilters {
	dateFrom?: string;
	dateTo?: string;
	messageId?: string;
	recipient?: string;
	smtpAccount?: string;
	status?: string;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], client: EmailLabsClient) {
	return await executeEachItem(this, items, async (itemIndex) => {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as EmailFilters;
		const from = toDate(this, itemIndex, filters.dateFrom, 'From');
		const to = toDate(this, itemIndex, filters.dateTo, 'To');
		checkDateRange(this, itemIndex, from, to);
		const messageId = bareMessageId(filters.messageId ?? '') || undefined;
		const page = readPage(this, itemIndex);

		if (client.generation === 'v2') {
			const given = Object.entries(filters).filter(([, value]) => value !== undefined && value !== '').map(([name]) => name);
			const unsupported = given.filter((name) => !(V2_EMAIL_LIST_FILTERS as readonly string[]).includes(name));
			if (unsupported.length) {
				throw invalidInput(
					this,
					itemIndex,
					`API v2.1 cannot filter the email log by ${unsupported.join(', ')}`,
					`With an API v2.1 credential, filter by ${V2_EMAIL_LIST_FILTERS.join(' and ')} only, or use a Legacy API credential.`,
				);
			}
			return await client.requestList({ method: 'GET', path: client.wire.paths.emails, query: { messageId, smtpAccount: filters.smtpAccount || undefined } }, page, itemIndex);
		}

		const filterFields = { account: filters.smtpAccount, to: filters.recipient, message_id: messageId };
		if (filters.status) {
			// The legacy log has no status filter; the per-status event list is the documented way.
			if (!from) throw invalidInput(this, itemIndex, 'Filtering by status needs a From date with the legacy API');
			const filter = legacyFilter({ account: filters.smtpAccount, to: filters.recipient, msgid: messageId });
			return await listStatusEvents(client, filters.status, { from, to }, filter, page, itemIndex);
		}
		const query = legacyFilter({ ...filterFields, 'created_at.from': from, 'created_at.to': to });
		return await client.requestList({ method: 'GET', path: client.wire.paths.emails, query: { ...query, sort: '-created_at' } }, page, itemIndex);
	});
}
