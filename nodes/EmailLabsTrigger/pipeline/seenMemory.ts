import type { IDataObject } from 'n8n-workflow';

import { DEDUPE_CAPACITY } from './constants';
import { RecentKeys, type RecentKeysState } from './deduplicate';

/**
 * What the trigger has seen, held in this n8n process and mirrored into the workflow's static data.
 *
 * Why in memory: n8n saves a workflow's *whole* static data when an execution ends, so concurrent
 * executions overwrite each other's keys (last writer wins), and what webhook() writes is never
 * saved when it starts an execution. A check against static data alone therefore forgets batches
 * under concurrency. Here, webhook() checks and records a request in one synchronous step against
 * this memory (JavaScript runs it to completion, so two concurrent copies of a batch cannot both
 * pass), which makes de-duplication exact within one process under any concurrency.
 *
 * Why it still survives restarts: the static data receives a *live* view of each list (an object
 * whose toJSON() packs the list when n8n serialises static data, i.e. when it saves). Whichever
 * execution saves last writes everything this process has recorded up to that moment, so no save
 * drops keys that another execution recorded. On first use after a restart the memory starts from
 * the stored lists; stored lists written by another process are merged in when they change.
 */

/** Keys of the lists in the node's static data. */
export const STORED_LISTS = {
	requestIds: 'recentRequestIds',
	requestBodies: 'recentRequestBodies',
	eventKeys: 'recentEventKeys',
} as const;

type ListName = keyof typeof STORED_LISTS;
const LIST_NAMES = Object.keys(STORED_LISTS) as ListName[];

/** Stored snapshots remembered per list, to skip merging what this process wrote itself. */
const KNOWN_SNAPSHOTS = 8;

class SeenList {
	readonly keys: RecentKeys;

	/** Packed forms this process wrote or already merged: reading them back changes nothing. */
	private readonly known: string[] = [];

	private dirty = false;

	constructor(capacity: number, stored: unknown) {
		this.keys = new RecentKeys(capacity, stored);
		this.remember(stored);
	}

	has(key: number): boolean {
		return this.keys.has(key);
	}

	add(key: number): boolean {
		const added = this.keys.add(key);
		if (added) this.dirty = true;
		return added;
	}

	get changed(): boolean {
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

export class SeenMemory {
	readonly requestIds: SeenList;

	/** (request id, body digest) pairs: a request id seen with another body is a forgery or a replay. */
	readonly requestBodies: SeenList;

	readonly eventKeys: SeenList;

	constructor(staticData: IDataObject, capacity = DEDUPE_CAPACITY) {
		this.requestIds = new SeenList(capacity, staticData[STORED_LISTS.requestIds]);
		this.requestBodies = new SeenList(capacity, staticData[STORED_LISTS.requestBodies]);
		this.eventKeys = new SeenList(capacity, staticData[STORED_LISTS.eventKeys]);
	}

	/** Merges what another process (or an earlier life of this one) stored. Cheap when nothing changed. */
	mergeStored(staticData: IDataObject): this {
		for (const name of LIST_NAMES) this[name].merge(staticData[STORED_LISTS[name]]);
		return this;
	}

	/** True when keys were recorded that no save has serialised yet. */
	get unsaved(): boolean {
		return LIST_NAMES.some((name) => this[name].changed);
	}

	/**
	 * Puts a live view of each list into the static data. One assignment per list, so n8n's
	 * static-data proxy marks the data as changed; the lists are packed when n8n saves.
	 */
	mirrorInto(staticData: IDataObject): void {
		for (const name of LIST_NAMES) {
			const list = this[name];
			staticData[STORED_LISTS[name]] = { toJSON: () => list.snapshot() } as unknown as IDataObject;
		}
	}
}

const memories = new Map<string, SeenMemory>();

/**
 * The memory of one trigger node of one workflow in one mode (test URL executions keep their own),
 * created from the stored lists on first use and merged with them afterwards.
 */
export function seenMemoryFor(scope: { workflowId: string | undefined; nodeId: string; mode: string }, staticData: IDataObject): SeenMemory {
	const id = `${scope.workflowId ?? ''}\u0000${scope.nodeId}\u0000${scope.mode}`;
	const existing = memories.get(id);
	if (existing !== undefined) return existing.mergeStored(staticData);
	const created = new SeenMemory(staticData);
	memories.set(id, created);
	return created;
}
