/**
 * A bounded first-in-first-out set of recently seen keys that round-trips through JSON, because
 * n8n persists a workflow's static data as JSON between requests (and between processes in queue
 * mode, so nothing may live in module-level state).
 *
 * Persisted form: `{ keys: string[], next: number }`, a ring buffer whose slot `next` holds the
 * oldest key once it is full. In memory a Set indexes the ring, so `has` and `add` are O(1);
 * loading builds the index once per request, O(capacity).
 */

export interface RecentKeysState {
	keys: string[];
	next: number;
}

function isRecentKeysState(value: unknown): value is RecentKeysState {
	return (
		typeof value === 'object' &&
		value !== null &&
		Array.isArray((value as RecentKeysState).keys) &&
		typeof (value as RecentKeysState).next === 'number'
	);
}

export class RecentKeys {
	private readonly keys: string[];

	private next: number;

	private readonly index: Set<string>;

	constructor(
		private readonly capacity: number,
		state?: unknown,
	) {
		// Oldest first. The stored array may be a static-data proxy: copy it into a plain array.
		let ordered: string[] = [];
		if (isRecentKeysState(state)) {
			const stored = Array.from(state.keys).filter((key): key is string => typeof key === 'string');
			const start = stored.length > 0 ? Math.min(Math.max(0, Math.trunc(state.next)), stored.length - 1) : 0;
			ordered = stored.length === 0 ? stored : stored.slice(start).concat(stored.slice(0, start));
		}
		this.keys = ordered.length > capacity ? ordered.slice(ordered.length - capacity) : ordered;
		this.next = 0;
		this.index = new Set(this.keys);
	}

	get size(): number {
		return this.keys.length;
	}

	has(key: string): boolean {
		return this.index.has(key);
	}

	/** Adds a key, evicting the oldest one when full. Returns false when it was already present. */
	add(key: string): boolean {
		if (this.index.has(key)) return false;
		if (this.keys.length < this.capacity) {
			this.keys.push(key);
		} else {
			this.index.delete(this.keys[this.next]);
			this.keys[this.next] = key;
			this.next = (this.next + 1) % this.capacity;
		}
		this.index.add(key);
		return true;
	}

	toJSON(): RecentKeysState {
		return { keys: this.keys, next: this.next };
	}
}
