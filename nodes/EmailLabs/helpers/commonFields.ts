import type { INodeProperties } from 'n8n-workflow';

import type { PhpFormValue } from '../transport/phpForm';
import { toLegacyFilterTime } from '../transport/wireAssumptions';

/** An options field that EmailLabs fills (a loadOptions method); an expression can give any value. */
function listedField(
	field: Pick<INodeProperties, 'displayName' | 'name' | 'description'> & { loadOptionsMethod: string },
	overrides: Partial<INodeProperties>,
): INodeProperties {
	const { loadOptionsMethod, ...names } = field;
	return { ...names, type: 'options', typeOptions: { loadOptionsMethod }, default: '', ...overrides };
}

export function smtpAccountField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return listedField(
		{
			displayName: 'SMTP Account Name or ID',
			name: 'smtpAccount',
			loadOptionsMethod: 'getSmtpAccounts',
			description:
				'The EmailLabs SMTP (sub)account, e.g. 1.acme.smtp. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		overrides,
	);
}

/** The blacklist reason, from EmailLabs' list of reasons. */
export function blacklistReasonField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return listedField(
		{
			displayName: 'Reason Name or ID',
			name: 'reason',
			loadOptionsMethod: 'getBlacklistReasons',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		overrides,
	);
}

export const dateRangeFields: INodeProperties[] = [
	{ displayName: 'From', name: 'dateFrom', type: 'dateTime', default: '', description: 'Start of the period' },
	{ displayName: 'To', name: 'dateTo', type: 'dateTime', default: '', description: 'End of the period' },
];

/**
 * The legacy `filter` query parameter: `field::value` pairs joined by `|`, as the official PHP
 * library builds it (github.com/emaillabs/emaillabs-php-api, src/EmailLabs/Tools/EmailLabsFilter.php).
 * Empty values are left out.
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
