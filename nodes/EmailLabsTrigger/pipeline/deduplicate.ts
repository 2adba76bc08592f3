/**
 * A bounded first-in-first-out set of recently seen fingerprints (see fingerprint.ts) that
 * round-trips through JSON, because n8n persists a workflow's static data as JSON between
 * requests (and between processes in queue mode, so nothing may live in module-level state).
 *
 * Persisted form: `{ packed: string, next: number }`, a ring buffer whose slot `next` holds the
 * oldest key once it is full; `packed` is the ring as base64 of little-endian float64s. One string
 * instead of an array of 10,000 numbers matters in a real n8n: it walks every array element of
 * static data to wrap it in its change-tracking proxy and (de)serialises it on every request, which
 * made de-duplication cost ~40% of the trigger's throughput. `{ keys: number[] }` (the first
 * form) is still read. The ring lives in a Float64Array. Lookups scan it natively for the
 * first few calls (a request id is looked up once per request), then build an open-addressing
 * hash table over another Float64Array, after which `has` and `add` are O(1) and allocate
 * nothing: they run once per event, and a Set of 10,000 boxed numbers cost more than
 * normalising the events. Loading is O(capacity).
 */

export interface RecentKeysState {
	packed: string;
	next: number;
}

const BYTES_PER_KEY = 8;

/** Typed arrays use the platform's byte order; on little-endian ones the bytes are copied as they are. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function pack(keys: Float64Array): string {
	if (LITTLE_ENDIAN) return Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength).toString('base64');
	const bytes = Buffer.allocUnsafe(keys.length * BYTES_PER_KEY);
	for (let i = 0; i < keys.length; i++) bytes.writeDoubleLE(keys[i], i * BYTES_PER_KEY);
	return bytes.toString('base64');
}

function unpack(packed: string): Float64Array {
	const bytes = Buffer.from(packed, 'base64');
	const keys = new Float64Array(Math.floor(bytes.length / BYTES_PER_KEY));
	if (LITTLE_ENDIAN) {
		new Uint8Array(keys.buffer).set(bytes.subarray(0, keys.byteLength));
		return keys;
	}
	for (let i = 0; i < keys.length; i++) keys[i] = bytes.readDoubleLE(i * BYTES_PER_KEY);
	return keys;
}

/** The stored keys in ring order, from either persisted form; undefined when there are none. */
function storedKeys(state: unknown): Float64Array | undefined {
	if (typeof state !== 'object' || state === null) return undefined;
	const { packed, keys } = state as { packed?: unknown; keys?: unknown };
	if (typeof packed === 'string' && packed.length > 0) return unpack(packed);
	// Read the stored array once (it may be an n8n static-data proxy), then check it natively.
	if (Array.isArray(keys) && keys.length > 0) return Float64Array.from(keys as ArrayLike<number>);
	return undefined;
}

/** Lookups answered by scanning the ring before the hash table is built. */
const LINEAR_LOOKUPS = 4;

/** Fingerprints are integers in [1, 2^53); 0 marks an empty table slot. */
const isFingerprint = (value: unknown): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** A plain loop: a callback per key (`every`) cost ten times more, twice per list per request. */
function allFingerprints(keys: Float64Array): boolean {
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		if (!(key > 0 && key <= Number.MAX_SAFE_INTEGER && Math.floor(key) === key)) return false;
	}
	return true;
}

export class RecentKeys {
	private readonly ring: Float64Array;

	private count = 0;

	/** Slot of the oldest key once the ring is full. */
	private next = 0;

	private table: Float64Array | undefined;

	private mask = 0;

	private lookups = 0;

	/** `state` is what toJSON() returned earlier; anything else starts an empty list. */
	constructor(
		readonly capacity: number,
		state?: unknown,
	) {
		this.ring = new Float64Array(capacity);
		const copy = storedKeys(state);
		if (copy === undefined || copy.length === 0) return;
		const next = Number((state as RecentKeysState).next);
		const intact =
			copy.length <= capacity &&
			Number.isSafeInteger(next) &&
			next >= 0 &&
			next < Math.max(1, copy.length) &&
			(next === 0 || copy.length === capacity) &&
			allFingerprints(copy);
		if (intact) {
			this.ring.set(copy);
			this.count = copy.length;
			this.next = next;
			return;
		}
		// Damaged or resized: keep the valid keys, oldest first, at most `capacity` of the newest.
		const oldest = Math.min(Math.max(0, Math.trunc(next) || 0), copy.length - 1);
		const valid: number[] = [];
		for (let i = 0; i < copy.length; i++) {
			const key = copy[(oldest + i) % copy.length];
			if (isFingerprint(key)) valid.push(key);
		}
		for (let i = Math.max(0, valid.length - capacity); i < valid.length; i++) this.add(valid[i]);
	}

	get size(): number {
		return this.count;
	}

	has(key: number): boolean {
		if (!isFingerprint(key)) return false;
		if (this.table === undefined && ++this.lookups <= LINEAR_LOOKUPS) {
			return this.ring.subarray(0, this.count).includes(key);
		}
		const table = this.index();
		return table[this.slotOf(table, key)] === key;
	}

	/**
	 * Adds a key, evicting the oldest one when full. Returns false when it was already present
	 * (or is not a fingerprint, which would corrupt the table).
	 */
	add(key: number): boolean {
		if (!isFingerprint(key) || this.has(key)) return false;
		if (this.count < this.capacity) {
			this.ring[this.count++] = key;
		} else {
			if (this.table !== undefined) this.remove(this.table, this.ring[this.next]);
			this.ring[this.next] = key;
			this.next = (this.next + 1) % this.capacity;
		}
		if (this.table !== undefined) this.table[this.slotOf(this.table, key)] = key;
		return true;
	}

	/** The keys from the oldest to the newest. */
	keysOldestFirst(): Float64Array {
		if (this.count < this.capacity || this.next === 0) return this.ring.slice(0, this.count);
		const ordered = new Float64Array(this.count);
		ordered.set(this.ring.subarray(this.next));
		ordered.set(this.ring.subarray(0, this.next), this.capacity - this.next);
		return ordered;
	}

	toJSON(): RecentKeysState {
		return { packed: pack(this.ring.subarray(0, this.count)), next: this.next };
	}

	private index(): Float64Array {
		if (this.table !== undefined) return this.table;
		let size = 8;
		while (size < this.capacity * 2) size *= 2;
		const table = new Float64Array(size);
		this.mask = size - 1;
		for (let i = 0; i < this.count; i++) table[this.slotOf(table, this.ring[i])] = this.ring[i];
		this.table = table;
		return table;
	}

	/** The slot holding `key`, or the empty slot where it would go (linear probing). */
	private slotOf(table: Float64Array, key: number): number {
		let slot = (key >>> 0) & this.mask;
		while (table[slot] !== 0 && table[slot] !== key) slot = (slot + 1) & this.mask;
		return slot;
	}

	/** Deletion by backward shift, so no tombstones accumulate. */
	private remove(table: Float64Array, key: number): void {
		let hole = this.slotOf(table, key);
		if (table[hole] !== key) return;
		let probe = hole;
		for (;;) {
			probe = (probe + 1) & this.mask;
			const entry = table[probe];
			if (entry === 0) break;
			const home = (entry >>> 0) & this.mask;
			// Move the entry into the hole unless its home lies cyclically in (hole, probe].
			const homeInRange = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
			if (!homeInRange) {
				table[hole] = entry;
				hole = probe;
			}
		}
		table[hole] = 0;
	}
}
