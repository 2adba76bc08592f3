import type { INodeProperties } from 'n8n-workflow';

import type { PhpFormValue } from '../transport/phpForm';
import { toLegacyFilterTime } from '../transport/wireAssumptions';

export function smtpAccountField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'SMTP Account Name or ID',
		name: 'smtpAccount',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSmtpAccounts' },
		default: '',
		description:
			'The EmailLabs SMTP (sub)account, e.g. 1.acme.smtp. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		...overrides,
	};
}

export const dateRangeFields: INodeProperties[] = [
	{ displayName: 'From', name: 'dateFrom', type: 'dateTime', default: '', description: 'Start of the period' },
	{ displayName: 'To', name: 'dateTo', type: 'dateTime', default: '', description: 'End of the period' },
];

/**
 * The legacy `filter` query parameter: `field::value` pairs joined by `|`
 * (official library's EmailLabsFilter). Empty values are left out.
 */
export function legacyFilter(filters: Record<string, string | number | Date | undefined>): Record<string, PhpFormValue> {
	const pairs = Object.entries(filters)
		.filter(([, value]) => value !== undefined && value !== '')
		.map(([field, value]) => `${field}::${value instanceof Date ? toLegacyFilterTime(value) : value}`);
	return pairs.length ? { filter: pairs.join('|') } : {};
}

export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Filters', name: 'filters', type: 'collection', placeholder: 'Add Filter', default: {}, options };
}
