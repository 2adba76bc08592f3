import type { IDataObject } from 'n8n-workflow';

import { DEDUPE_CAPACITY } from './constants';
import { StoredKeys } from './storedKeys';

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
 *
 * Request ids belong to one trigger node (node static data). Event keys belong to the workflow
 * (workflow static data), so that an event is run once whichever EmailLabs trigger of the
 * workflow received it: the webhook trigger or the catch-up trigger reading the API.
 */

/** Keys of the lists in static data: request lists per node, event keys per workflow. */
export const STORED_LISTS = {
	requestIds: 'recentRequestIds',
	requestBodies: 'recentRequestBodies',
	/** Where event keys were kept per node before they were shared; read once, then dropped. */
	nodeEventKeys: 'recentEventKeys',
	workflowEventKeys: 'emailLabsEventKeys',
} as const;

export class SeenMemory {
	readonly requestIds: StoredKeys;

	/** (request id, body digest) pairs: a request id seen with another body is a forgery or a replay. */
	readonly requestBodies: StoredKeys;

	readonly eventKeys: StoredKeys;

	/**
	 * `eventKeys`: the workflow's shared event memory; without it (tests, benchmarks) the event keys
	 * live next to the request lists in `staticData`.
	 */
	constructor(staticData: IDataObject, eventKeys?: StoredKeys, capacity = DEDUPE_CAPACITY) {
		this.requestIds = new StoredKeys(capacity, staticData[STORED_LISTS.requestIds], STORED_LISTS.requestIds);
		this.requestBodies = new StoredKeys(capacity, staticData[STORED_LISTS.requestBodies], STORED_LISTS.requestBodies);
		this.eventKeys = eventKeys ?? new StoredKeys(capacity, staticData[STORED_LISTS.nodeEventKeys], STORED_LISTS.nodeEventKeys);
	}

	private get lists(): StoredKeys[] {
		return [this.requestIds, this.requestBodies, this.eventKeys];
	}

	/** Merges what another process (or an earlier life of this one) stored. Cheap when nothing changed. */
	mergeStored(staticData: IDataObject, workflowData: IDataObject = staticData): this {
		this.requestIds.mergeStored(staticData);
		this.requestBodies.mergeStored(staticData);
		this.eventKeys.mergeStored(this.eventKeys.storageKey === STORED_LISTS.nodeEventKeys ? staticData : workflowData);
		return this;
	}

	/** True when keys were recorded that no save has serialised yet. */
	get unsaved(): boolean {
		return this.lists.some((list) => list.unsaved);
	}

	/** Live views of the lists: request lists into the node's data, event keys into the workflow's. */
	mirrorInto(staticData: IDataObject, workflowData: IDataObject = staticData): void {
		this.requestIds.mirrorInto(staticData);
		this.requestBodies.mirrorInto(staticData);
		if (this.eventKeys.storageKey === STORED_LISTS.nodeEventKeys) {
			this.eventKeys.mirrorInto(staticData);
			return;
		}
		this.eventKeys.mirrorInto(workflowData);
		if (staticData[STORED_LISTS.nodeEventKeys] !== undefined) delete staticData[STORED_LISTS.nodeEventKeys];
	}
}

/** Test URL executions and polls of the editor keep a memory of their own. */
export interface MemoryScope {
	workflowId: string | undefined;
	manual: boolean;
}

const memories = new Map<string, SeenMemory>();
const workflowMemories = new Map<string, StoredKeys>();

/**
 * The event keys of one workflow (production or manual), shared by every EmailLabs trigger in it,
 * created from the stored list on first use and merged with it afterwards.
 */
export function workflowEventMemory(scope: MemoryScope, workflowData: IDataObject): StoredKeys {
	const id = `${scope.workflowId ?? ''}\u0000${scope.manual ? 'manual' : 'production'}`;
	const existing = workflowMemories.get(id);
	if (existing !== undefined) return existing.mergeStored(workflowData);
	const created = new StoredKeys(DEDUPE_CAPACITY, workflowData[STORED_LISTS.workflowEventKeys], STORED_LISTS.workflowEventKeys);
	workflowMemories.set(id, created);
	return created;
}

/**
 * The memory of one webhook trigger node: its own request lists, the workflow's event keys. Event
 * keys that an earlier version kept in the node's data are taken over.
 */
export function seenMemoryFor(scope: MemoryScope & { nodeId: string }, staticData: IDataObject, workflowData: IDataObject): SeenMemory {
	const id = `${scope.workflowId ?? ''}\u0000${scope.nodeId}\u0000${scope.manual ? 'manual' : 'production'}`;
	const existing = memories.get(id);
	if (existing !== undefined) {
		existing.eventKeys.merge(staticData[STORED_LISTS.nodeEventKeys]);
		return existing.mergeStored(staticData, workflowData);
	}
	const eventKeys = workflowEventMemory(scope, workflowData);
	eventKeys.merge(staticData[STORED_LISTS.nodeEventKeys]);
	const created = new SeenMemory(staticData, eventKeys);
	memories.set(id, created);
	return created;
}
