import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import type { EmailLabsClient, PageRequest } from '../transport';
import type { PhpFormValue } from '../transport/phpForm';
import { toLegacyFilterTime } from '../transport/wireAssumptions';

/** The final statuses the legacy API lists messages by (`smtp_events/{status}`). */
export const EVENT_STATUSES: INodePropertyOptions[] = [
	{ name: 'Delivered (Ok)', value: 'ok' },
	{ name: 'Deferred', value: 'deferred' },
	{ name: 'Dropped', value: 'dropped' },
	{ name: 'Hard Bounce', value: 'hardbounce' },
	{ name: 'Soft Bounce', value: 'softbounce' },
	{ name: 'Spam Bounce', value: 'spambounce' },
	{ name: 'Spam Complaint (Feedback)', value: 'feedback' },
];

/**
 * Messages that reached `status` within the range (legacy `smtp_events/{status}`, which needs a
 * start time), each marked with the status.
 */
export async function listStatusEvents(
	client: EmailLabsClient,
	status: string,
	range: { from: Date; to?: Date },
	filter: Record<string, PhpFormValue>,
	page: PageRequest,
	itemIndex: number,
): Promise<IDataObject[]> {
	const query: Record<string, PhpFormValue> = {
		from_time: toLegacyFilterTime(range.from),
		...(range.to ? { to_time: toLegacyFilterTime(range.to) } : {}),
		...filter,
	};
	const events = await client.requestList({ method: 'GET', path: `smtp_events/${status}`, query }, page, itemIndex);
	return events.map((event) => ({ status, ...event }));
}
