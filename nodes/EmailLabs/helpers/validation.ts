import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { Address } from '../transport/message';

export const MAX_RECIPIENTS_PER_REQUEST = 200;
export const MAX_SUBJECT_LENGTH = 128;
export const MAX_NAME_LENGTH = 128;
export const MAX_TAGS_LENGTH = 128;
export const MAX_STATISTICS_RANGE_DAYS = 62;

// Deliberately simple: one @, no spaces, a dot in the domain. EmailLabs does the full check.
const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

function isValidEmail(email: string): boolean {
	return EMAIL_PATTERN.test(email);
}

/** An input problem the user must fix: reported with the item index, before any request. */
export function invalidInput(context: IExecuteFunctions, itemIndex: number, message: string, description?: string) {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

function splitAddressList(value: string): string[] {
	// Commas inside a quoted display name ("Kowalski, Jan" <jan@x.pl>) do not split.
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (const char of value) {
		if (char === '"') quoted = !quoted;
		if ((char === ',' || char === ';' || char === '\n') && !quoted) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter(Boolean);
}

function parseAddress(entry: string): Address {
	const match = /^(.*)<([^<>]+)>$/.exec(entry);
	if (!match) return { email: entry.trim() };
	const name = match[1].trim().replace(/^"(.*)"$/, '$1').trim();
	return { email: match[2].trim(), ...(name ? { name } : {}) };
}

/**
 * Recipients from a parameter: a comma-separated string (`Jan <jan@x.pl>, anna@x.pl`), a list of
 * such strings, or a list of `{ email, name }` objects (from an expression).
 */
export function parseAddresses(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	fieldName: string,
): Address[] {
	const entries: unknown[] = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
	const addresses: Address[] = [];
	for (const entry of entries) {
		if (typeof entry === 'string') addresses.push(...splitAddressList(entry).map(parseAddress));
		else if (typeof entry === 'object' && entry !== null && typeof (entry as Address).email === 'string') {
			const { email, name } = entry as Address;
			addresses.push({ email: email.trim(), ...(name ? { name: String(name) } : {}) });
		} else if (entry !== '') {
			throw invalidInput(context, itemIndex, `${fieldName} has an entry that is not an email address: ${JSON.stringify(entry)}`);
		}
	}
	for (const address of addresses) {
		if (!isValidEmail(address.email)) {
			throw invalidInput(
				context,
				itemIndex,
				`${fieldName} contains an invalid email address: "${address.email}"`,
				'Use addresses like jan@example.com or "Jan Kowalski <jan@example.com>", separated by commas.',
			);
		}
	}
	return addresses;
}

export function requireEmail(context: IExecuteFunctions, itemIndex: number, value: unknown, fieldName: string): string {
	const email = String(value ?? '').trim();
	if (!isValidEmail(email)) {
		throw invalidInput(context, itemIndex, `${fieldName} is not a valid email address: "${email}"`);
	}
	return email;
}

export function checkLength(
	context: IExecuteFunctions,
	itemIndex: number,
	value: string | undefined,
	max: number,
	fieldName: string,
): void {
	if (value && value.length > max) {
		throw invalidInput(context, itemIndex, `${fieldName} is ${value.length} characters long; EmailLabs accepts at most ${max}`);
	}
}

/** A date parameter (ISO string, Luxon DateTime or Unix seconds from an expression) as a Date. */
export function toDate(context: IExecuteFunctions, itemIndex: number, value: unknown, fieldName: string): Date | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let date: Date;
	if (typeof value === 'number') date = new Date(value < 1e12 ? value * 1000 : value);
	else if (value instanceof Date) date = value;
	else if (typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') {
		date = new Date((value as { toISO: () => string }).toISO());
	} else date = new Date(String(value));
	if (Number.isNaN(date.getTime())) {
		throw invalidInput(context, itemIndex, `${fieldName} is not a valid date: "${String(value)}"`);
	}
	return date;
}

export function checkDateRange(
	context: IExecuteFunctions,
	itemIndex: number,
	from: Date | undefined,
	to: Date | undefined,
	maxDays?: number,
): void {
	if (from && to && from.getTime() > to.getTime()) {
		throw invalidInput(context, itemIndex, 'The start of the date range is after its end');
	}
	if (maxDays && from && to && to.getTime() - from.getTime() > maxDays * 86_400_000) {
		throw invalidInput(
			context,
			itemIndex,
			`The date range is longer than ${maxDays} days, the most EmailLabs accepts`,
			'Split the period into several runs.',
		);
	}
}
