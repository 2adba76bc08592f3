import type { IDataObject } from 'n8n-workflow';

import { RecentKeys, type RecentKeysState } from './deduplicate';

/**
 * One list of seen keys, held in this n8n process and mirrored into static data (see
 * seenMemory.ts for why both), plus the keys of runs still under way.
 *
 * A key is *seen* once its run was acknowledged: at once when the trigger answers before the
 * workflow runs, only after a 2xx answer when it answers after the run. Until then it is
 * *running*: copies that arrive meanwhile are neither run nor acknowledged, and a failed run lets
 * its keys go, so EmailLabs' re-delivery runs again. Running keys live in memory only: a process
 * that dies mid-run must not have stored them as seen.
 */

/** Stored snapshots remembered, to skip merging what this process wrote itself. */
const KNOWN_SNAPSHOTS = 8;

/**
 * A run older than this is presumed lost (n8n answers every webhook long before); its keys are
 * free again. Shorter than EmailLabs' first re-delivery (about 1 h) so that one can run.
 */
export const RUNNING_LIMIT_MS = 30 * 60 * 1000;

export type KeyState = 'new' | 'seen' | 'running';

export class StoredKeys {
	readonly keys: RecentKeys;

	/** Key → when its run started (ms). */
	private readonly running = new Map<number, number>();

	/** Packed forms this process wrote or already merged: reading them back changes nothing. */
	private readonly known: string[] = [];

	private dirty = false;

	constructor(
		capacity: number,
		stored: unknown,
		/** Where the list lives in static data. */
		readonly storageKey: string,
	) {
		this.keys = new RecentKeys(capacity, stored);
		this.remember(stored);
	}

	state(key: number, nowMs: number): KeyState {
		if (this.keys.has(key)) return 'seen';
		const since = this.running.get(key);
		if (since === undefined) return 'new';
		if (nowMs - since < RUNNING_LIMIT_MS) return 'running';
		this.running.delete(key);
		return 'new';
	}

	/** Seen or running. */
	has(key: number, nowMs = Date.now()): boolean {
		return this.state(key, nowMs) !== 'new';
	}

	/** Records a key as seen; false when it was seen already or another run holds it. */
	add(key: number, nowMs = Date.now()): boolean {
		if (this.state(key, nowMs) === 'running') return false;
		const added = this.keys.add(key);
		if (added) this.dirty = true;
		return added;
	}

	/** Marks a key as running (not stored) until confirm() or release(). */
	hold(key: number, nowMs: number): void {
		this.running.set(key, nowMs);
	}

	/** The run of `key` was answered 2xx: seen from now on. */
	confirm(key: number): void {
		if (this.running.delete(key)) this.add(key);
	}

	/** The run of `key` failed or was never answered: a re-delivery may run it again. */
	release(key: number): void {
		this.running.delete(key);
	}

	/** True when keys were recorded that no save has serialised yet. */
	get unsaved(): boolean {
		return this.dirty;
	}

	/** Adds the keys of a stored list this process has not seen in that form (oldest first). */
	merge(stored: unknown): void {
		const { packed, keys } = (stored ?? {}) as { packed?: unknown; keys?: unknown };
		// Nothing stored, or this process's own live view (same process, same static data object).
		if (typeof packed !== 'string' && !Array.isArray(keys)) return;
		if (typeof packed === 'string' && this.known.includes(packed)) return;
		const incoming = new RecentKeys(this.keys.capacity, stored);
		for (const key of incoming.keysOldestFirst()) this.keys.add(key);
		this.remember(stored);
	}

	mergeStored(data: IDataObject): this {
		this.merge(data[this.storageKey]);
		return this;
	}

	/**
	 * Puts a live view of the list into the static data: one assignment, so n8n's static-data
	 * proxy marks the data as changed; the list is packed when n8n saves.
	 */
	mirrorInto(data: IDataObject): void {
		data[this.storageKey] = { toJSON: () => this.snapshot() } as unknown as IDataObject;
	}

	snapshot(): RecentKeysState {
		const state = this.keys.toJSON();
		this.dirty = false;
		this.remember(state);
		return state;
	}

	private remember(stored: unknown): void {
		const packed = (stored as RecentKeysState | undefined)?.packed;
		if (typeof packed !== 'string') return;
		this.known.push(packed);
		if (this.known.length > KNOWN_SNAPSHOTS) this.known.shift();
	}
}
