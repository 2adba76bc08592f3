/**
 * Pure helpers of the EmailLabs sandbox: template variables, legacy list filters and paging.
 */

export type Vars = Record<string, unknown>;

/** `{{ name }}` and `{{ a.b }}` (spaces optional) from the variables; unknown names render empty. */
export function renderTemplate(template: string | undefined, vars: Vars): string | undefined {
	if (template === undefined) return undefined;
	return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_match, name: string) => {
		let value: unknown = vars;
		for (const part of name.split('.')) {
			if (value === null || typeof value !== 'object') return '';
			value = (value as Vars)[part];
		}
		if (value === undefined || value === null) return '';
		return typeof value === 'object' ? JSON.stringify(value) : String(value);
	});
}

/** Deep merge where `priority` wins (EmailLabs: global_vars win over per-recipient vars). */
export function mergeVars(base: Vars, priority: Vars): Vars {
	const out: Vars = { ...base };
	for (const [key, value] of Object.entries(priority)) {
		const current = out[key];
		out[key] =
			isPlainObject(current) && isPlainObject(value) ? mergeVars(current as Vars, value as Vars) : value;
	}
	return out;
}

export function isPlainObject(value: unknown): value is Vars {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Legacy `filter=field::value|field2::value2` into pairs (ranges keep their `.from` / `.to` suffix).
 * The bracket form `filter[message_id]=…` (`filter[created_at][from]=…`) gives the same pairs.
 */
export function parseLegacyFilter(filter: unknown): Array<[string, string]> {
	if (isPlainObject(filter)) {
		return Object.entries(filter).flatMap(([field, value]): Array<[string, string]> => {
			if (typeof value === 'string') return [[field, value]];
			if (!isPlainObject(value)) return [];
			return Object.entries(value)
				.filter((entry): entry is [string, string] => typeof entry[1] === 'string')
				.map(([suffix, bound]): [string, string] => [`${field}.${suffix}`, bound]);
		});
	}
	if (typeof filter !== 'string' || !filter) return [];
	return filter
		.split('|')
		.map((pair) => {
			const at = pair.indexOf('::');
			return at === -1 ? undefined : ([pair.slice(0, at), pair.slice(at + 2)] as [string, string]);
		})
		.filter((pair): pair is [string, string] => pair !== undefined);
}

/** Seconds since epoch from a Unix timestamp or a date text (`2014-01-01 00:00`). */
export function toSeconds(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.floor(Number(text));
	const parsed = Date.parse(text.includes('T') ? text : text.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'));
	return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
}

/**
 * Applies legacy filter pairs to rows. `field.from` / `field.to` compare times (row values are
 * Unix seconds or date texts); other fields match case-insensitively and exactly.
 * `aliases` maps a filter field to the row field(s) it reads (e.g. msgid → message_id).
 */
export function applyLegacyFilter<T extends Record<string, unknown>>(
	rows: T[],
	filter: unknown,
	aliases: Record<string, string[]> = {},
): T[] {
	const pairs = parseLegacyFilter(filter);
	return pairs.length ? rows.filter((row) => matchesLegacyFilter(row, pairs, aliases)) : rows;
}

/** One row against parsed filter pairs (see applyLegacyFilter). */
export function matchesLegacyFilter(row: Record<string, unknown>, pairs: Array<[string, string]>, aliases: Record<string, string[]> = {}): boolean {
	return pairs.every(([field, value]) => {
		const range = /^(.*)\.(from|to)$/.exec(field);
		const name = range ? range[1] : field;
		const keys = aliases[name] ?? [name];
		const values = keys.map((key) => row[key]).filter((entry) => entry !== undefined && entry !== null);
		if (!values.length) return false;
		if (range) {
			const limit = toSeconds(value);
			const actual = toSeconds(values[0]);
			if (limit === undefined || actual === undefined) return false;
			return range[2] === 'from' ? actual >= limit : actual <= limit;
		}
		return values.some((entry) => String(entry).toLowerCase() === value.toLowerCase());
	});
}

/** `sort=field` ascending or `sort=-field` descending. */
export function applySort<T extends Record<string, unknown>>(rows: T[], sort: unknown): T[] {
	if (typeof sort !== 'string' || !sort) return rows;
	const descending = sort.startsWith('-');
	const field = sort.replace(/^[-+]/, '');
	return [...rows].sort((a, b) => {
		const left = a[field] as string | number | undefined;
		const right = b[field] as string | number | undefined;
		if (left === right) return 0;
		if (left === undefined) return 1;
		if (right === undefined) return -1;
		return (left < right ? -1 : 1) * (descending ? -1 : 1);
	});
}

/** `offset` is a row offset (see nodes/EmailLabs/transport/wireAssumptions.ts), `limit` defaults to 100. */
export function page<T>(rows: T[], offset: unknown, limit: unknown, defaultLimit = 100): T[] {
	const { start, size } = pageBounds(offset, limit, defaultLimit);
	return rows.slice(start, start + size);
}

/** The first row and the row count that `offset` / `limit` ask for. */
export function pageBounds(offset: unknown, limit: unknown, defaultLimit = 100): { start: number; size: number } {
	const start = Math.max(0, Math.floor(Number(offset) || 0));
	const size = limit === undefined || limit === '' ? defaultLimit : Math.max(0, Math.floor(Number(limit) || 0));
	return { start, size };
}

/** `2026-11-27 23:59:59` (UTC), the format the EmailLabs legacy API and the webhook date use. */
export function formatDate(date: Date): string {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}
