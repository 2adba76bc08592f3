import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { createClient, toList } from '../transport';

/**
 * Reasons the official PHP library's example allows (github.com/emaillabs/emaillabs-php-api,
 * examples/BlacklistAdd.php): used where the API has no reason list.
 */
const KNOWN_BLACKLIST_REASONS = ['hardbounce', 'other', 'spam_complaint', 'unsubscribe'];

function firstText(entry: IDataObject, keys: string[]): string | undefined {
	for (const key of keys) {
		const value = entry[key];
		if (typeof value === 'string' && value) return value;
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

export async function getSmtpAccounts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await createClient(this);
	const accounts = await client.requestList({ method: 'GET', path: client.wire.paths.smtpAccounts }, { returnAll: true, limit: 0 });
	return accounts
		.map((account) => firstText(account, ['name', 'smtpAccount', 'account', 'login', 'smtp', 'key', 'value']))
		.filter((name): name is string => Boolean(name))
		.map((name) => ({ name, value: name }))
		.sort(byName);
}

export async function getBlacklistReasons(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await createClient(this);
	if (client.generation !== 'legacy') return KNOWN_BLACKLIST_REASONS.map((reason) => ({ name: reason, value: reason }));
	const response = await client.request({ method: 'GET', path: 'blacklist_reasons', emptyOnNotFound: true });
	const data = response.data;
	let reasons: INodePropertyOptions[];
	if (Array.isArray(data) && data.every((entry) => typeof entry === 'string')) {
		reasons = (data as string[]).map((reason) => ({ name: reason, value: reason }));
	} else if (data && typeof data === 'object' && !Array.isArray(data) && Object.values(data).every((value) => typeof value === 'string')) {
		reasons = Object.entries(data as Record<string, string>).map(([value, name]) => ({ name, value }));
	} else {
		reasons = toList(data)
			.map((entry): INodePropertyOptions | undefined => {
				const value = firstText(entry, ['reason', 'name', 'value', 'key', 'id']);
				return value ? { name: firstText(entry, ['description', 'label', 'name']) ?? value, value } : undefined;
			})
			.filter((option): option is INodePropertyOptions => option !== undefined);
	}
	return reasons.length ? reasons.sort(byName) : KNOWN_BLACKLIST_REASONS.map((reason) => ({ name: reason, value: reason }));
}
