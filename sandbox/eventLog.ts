/**
 * The events, kept sorted by (statusTime, id) overall, per status and per status and SMTP account,
 * so a time-range page is two binary searches and a slice instead of a scan of everything
 * (catch-up readers page through 100,000 events, maybe filtered by account), and forgetting old
 * events (retention) cuts a prefix.
 */
import type { SandboxEvent } from './types';

const byTimeThenId = (a: SandboxEvent, b: SandboxEvent) => a.statusTime - b.statusTime || a.id - b.id;

/** The sorted lists an event belongs to besides `all`: its status, and its status for its account. */
const listKeys = (event: SandboxEvent) => [event.status, accountKey(event.status, event.smtpAccount)];
const accountKey = (status: string, account: string) => `${status}\n${account.toLowerCase()}`;

/** First index whose event is not before `time` (events.length when none). */
export function firstAtOrAfter(events: readonly SandboxEvent[], time: number): number {
	let low = 0;
	let high = events.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (events[middle].statusTime < time) low = middle + 1;
		else high = middle;
	}
	return low;
}

/** First index whose event is after `time`. */
export function firstAfter(events: readonly SandboxEvent[], time: number): number {
	return firstAtOrAfter(events, Math.floor(time) + 1);
}

/** Puts `event` in its sorted place; live events arrive in time order, so this is nearly always a push. */
function insertSorted(events: SandboxEvent[], event: SandboxEvent): void {
	const last = events[events.length - 1];
	if (!last || byTimeThenId(last, event) <= 0) {
		events.push(event);
		return;
	}
	let low = 0;
	let high = events.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (byTimeThenId(events[middle], event) <= 0) low = middle + 1;
		else high = middle;
	}
	events.splice(low, 0, event);
}

/** Merges a sorted batch into a sorted array in place (the array object stays the same: others hold it). */
function mergeSorted(events: SandboxEvent[], batch: readonly SandboxEvent[]): void {
	const last = events[events.length - 1];
	if (!last || byTimeThenId(last, batch[0]) <= 0) {
		for (const event of batch) events.push(event);
		return;
	}
	const existing = events.slice();
	events.length = 0;
	let i = 0;
	let j = 0;
	while (i < existing.length && j < batch.length) events.push(byTimeThenId(existing[i], batch[j]) <= 0 ? existing[i++] : batch[j++]);
	while (i < existing.length) events.push(existing[i++]);
	while (j < batch.length) events.push(batch[j++]);
}

export class EventLog {
	/** Every event, oldest first. */
	readonly all: SandboxEvent[] = [];
	private readonly lists = new Map<string, SandboxEvent[]>();

	/** The events of one status (and SMTP account, any case), oldest first; do not change the array. */
	withStatus(status: string, smtpAccount?: string): readonly SandboxEvent[] {
		return this.lists.get(smtpAccount === undefined ? status : accountKey(status, smtpAccount)) ?? [];
	}

	add(event: SandboxEvent): void {
		insertSorted(this.all, event);
		for (const key of listKeys(event)) insertSorted(this.list(key), event);
	}

	/** Adds many events at once (bulk creation); a sort and one merge instead of n insertions. */
	addMany(batch: readonly SandboxEvent[]): void {
		if (!batch.length) return;
		const sorted = [...batch].sort(byTimeThenId);
		mergeSorted(this.all, sorted);
		const grouped = new Map<string, SandboxEvent[]>();
		for (const event of sorted) {
			for (const key of listKeys(event)) {
				const group = grouped.get(key);
				if (group) group.push(event);
				else grouped.set(key, [event]);
			}
		}
		for (const [key, group] of grouped) mergeSorted(this.list(key), group);
	}

	/** Forgets the events before `time`; returns how many went. */
	forgetBefore(time: number): number {
		const count = firstAtOrAfter(this.all, time);
		if (!count) return 0;
		this.all.splice(0, count);
		for (const events of this.lists.values()) events.splice(0, firstAtOrAfter(events, time));
		return count;
	}

	clear(): void {
		this.all.length = 0;
		this.lists.clear();
	}

	private list(key: string): SandboxEvent[] {
		let events = this.lists.get(key);
		if (!events) this.lists.set(key, (events = []));
		return events;
	}
}
