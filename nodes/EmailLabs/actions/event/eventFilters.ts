import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { dateRangeFields, filtersCollection, legacyFilter, smtpAccountField } from '../../helpers/commonFields';
import { checkDateRange, toDate } from '../../helpers/validation';
import { bareMessageId } from '../../transport/message';
import type { PhpFormValue } from '../../transport/phpForm';

/**
 * Filters shared by the event, open and click lists, as legacy `filter` fields. The official PHP
 * library's examples name `account` and the date ranges (github.com/emaillabs/emaillabs-php-api,
 * examples/OpenTracking.php and examples/SmtpEvents.php).
 */
export function eventFilterCollection(withDates: boolean): INodeProperties {
	return filtersCollection([
		...(withDates ? dateRangeFields : []),
		{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '' },
		{ displayName: 'Recipient', name: 'recipient', type: 'string', placeholder: 'name@email.com', default: '' },
		smtpAccountField(),
	]);
}

export function readEventFilters(context: IExecuteFunctions, itemIndex: number): Record<string, PhpFormValue> {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as Record<string, string>;
	const from = toDate(context, itemIndex, filters.dateFrom, 'From');
	const to = toDate(context, itemIndex, filters.dateTo, 'To');
	checkDateRange(context, itemIndex, from, to);
	return legacyFilter({
		account: filters.smtpAccount,
		to: filters.recipient,
		msgid: bareMessageId(filters.messageId ?? ''),
		'created_at.from': from,
		'created_at.to': to,
	});
}
