/**
 * Retention: like EmailLabs deleting delivery data after a while, the sandbox forgets messages,
 * events (and so opens and clicks) and finished webhook deliveries older than `seconds`.
 * Purging happens on access (before each request), not on a timer; it is cheap when nothing is
 * due (one comparison per kind), so paging through many events does not rescan them.
 */
import type { EventLog } from './eventLog';
import type { StoredMessage } from './types';
import type { WebhookDispatcher } from './webhooks';
import { nowSeconds } from './wire';

export function parseRetentionSeconds(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const seconds = Number(value);
	if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`Retention must be whole seconds ≥ 0 or null (keep everything), got ${JSON.stringify(value)}`);
	return seconds;
}

export function createRetention(initialSeconds: number | null, messages: StoredMessage[], log: EventLog, dispatcher: WebhookDispatcher) {
	let seconds = initialSeconds;
	// The oldest message time, so a purge with nothing due does not walk the messages.
	let oldestMessageTime = Infinity;

	/** Call for every message stored. */
	const noteMessage = (message: StoredMessage) => {
		if (message.createdTime < oldestMessageTime) oldestMessageTime = message.createdTime;
	};

	/**
	 * Forgets what is more than `seconds` whole seconds older than the current second (so an item
	 * lives between `seconds` and `seconds + 1` s: times are whole Unix seconds).
	 */
	const purge = () => {
		if (seconds === null) return;
		const keepFrom = nowSeconds() - seconds;
		log.forgetBefore(keepFrom);
		dispatcher.forgetFinishedBefore(keepFrom);
		if (oldestMessageTime >= keepFrom) return;
		let kept = 0;
		oldestMessageTime = Infinity;
		for (const message of messages) {
			if (message.createdTime < keepFrom) continue;
			messages[kept++] = message;
			noteMessage(message);
		}
		messages.length = kept;
	};

	return {
		get seconds() {
			return seconds;
		},
		set(value: number | null) {
			seconds = value;
			purge();
		},
		noteMessage,
		purge,
		/** After a reset: no messages left. */
		clear() {
			oldestMessageTime = Infinity;
		},
	};
}

export type Retention = ReturnType<typeof createRetention>;
