import type { SharedMessage } from '../../transport/message';
import type { PreparedMessage } from './message';

export interface Batch {
	shared: SharedMessage;
	messages: PreparedMessage[];
	recipientCount: number;
}

/**
 * Groups messages into API calls. With batching on, items whose message is identical but for
 * the recipients (same batch key) share a call of up to `maxRecipients` recipients; an item's
 * recipients are never split, and an address appears once per call (legacy `to` is keyed by
 * address). Calls are ordered by their first item.
 */
export function planBatches(messages: PreparedMessage[], options: { enabled: boolean; maxRecipients: number }): Batch[] {
	const batches: Batch[] = [];
	const open = new Map<string, { batch: Batch; addresses: Set<string> }>();
	for (const message of messages) {
		const addresses = message.recipients.map((recipient) => recipient.email.toLowerCase());
		let current = options.enabled ? open.get(message.batchKey) : undefined;
		const fits =
			current !== undefined &&
			current.batch.recipientCount + addresses.length <= options.maxRecipients &&
			!addresses.some((address) => current!.addresses.has(address));
		if (!current || !fits) {
			current = { batch: { shared: message.shared, messages: [], recipientCount: 0 }, addresses: new Set() };
			batches.push(current.batch);
			if (options.enabled) open.set(message.batchKey, current);
		}
		current.batch.messages.push(message);
		current.batch.recipientCount += addresses.length;
		for (const address of addresses) current.addresses.add(address);
	}
	return batches;
}
