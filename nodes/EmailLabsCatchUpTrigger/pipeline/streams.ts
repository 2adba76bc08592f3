import type { IDataObject } from 'n8n-workflow';

import { legacyFilter } from '../../EmailLabs/helpers/commonFields';
import type { PhpFormValue } from '../../EmailLabs/transport/phpForm';
import {
	LEGACY_ACTIVITY_STATUS,
	LEGACY_EVENT_ACCOUNT_FILTER,
	LEGACY_EVENT_SORT_ASCENDING,
	LEGACY_EVENT_SORT_DESCENDING,
	legacyEventTimeRange,
	type LegacyEventList,
} from '../../EmailLabs/transport/wireAssumptions';
import { EVENT_DEFINITIONS, type EmailLabsEvent, type EventDefinition } from '../../EmailLabsTrigger/pipeline/events';

/**
 * One list of the legacy API that holds one kind of event. Each stream keeps its own cursor,
 * because each list is paged and ordered on its own.
 */
export interface EventStream {
	/** API path below the base URL; also the stream's key in the node's static data. */
	readonly path: string;
	readonly list: LegacyEventList;
	readonly event: Exclude<EmailLabsEvent, 'other'>;
	/** EmailLabs' status name of these events (what webhooks carry in `status`). */
	readonly status: string;
	readonly definition: EventDefinition;
}

function definitionOf(event: EmailLabsEvent): EventDefinition {
	const definition = EVENT_DEFINITIONS.find((entry) => entry.event === event);
	if (definition === undefined) throw new Error(`No event definition for ${event}`);
	return definition;
}

const statusStream = (event: Exclude<EmailLabsEvent, 'other'>, status: string): EventStream => ({
	path: `smtp_events/${status}`,
	list: 'smtp_events',
	event,
	status,
	definition: definitionOf(event),
});

const activityStream = (event: Exclude<EmailLabsEvent, 'other'>, list: 'opens' | 'clicks'): EventStream => ({
	path: list,
	list,
	event,
	status: LEGACY_ACTIVITY_STATUS[list],
	definition: definitionOf(event),
});

/**
 * Every event the legacy API can list by time, in the order polls read them. Deferred and
 * unsubscribe reports have no documented list, so the catch-up trigger does not offer them.
 */
export const EVENT_STREAMS: readonly EventStream[] = [
	statusStream('delivered', 'ok'),
	statusStream('softBounce', 'softbounce'),
	statusStream('hardBounce', 'hardbounce'),
	statusStream('spamBounce', 'spambounce'),
	statusStream('dropped', 'dropped'),
	statusStream('spamComplaint', 'feedback'),
	statusStream('injected', 'injected'),
	activityStream('opened', 'opens'),
	activityStream('clicked', 'clicks'),
];

const STREAM_BY_EVENT = new Map<string, EventStream>(EVENT_STREAMS.map((stream) => [stream.event, stream]));

/** The streams of the selected events, in EVENT_STREAMS order; unknown names are returned apart. */
export function streamsFor(events: readonly string[]): { streams: EventStream[]; unknown: string[] } {
	const selected = new Set(events);
	return {
		streams: EVENT_STREAMS.filter((stream) => selected.has(stream.event)),
		unknown: events.filter((event) => !STREAM_BY_EVENT.has(event)),
	};
}

export interface PageRequestSpec {
	stream: EventStream;
	/** Unix seconds, both inclusive. */
	from: number;
	to: number;
	offset: number;
	limit: number;
	smtpAccount?: string;
	/** Newest first (the manual test fetch) instead of oldest first. */
	newestFirst?: boolean;
}

/** The query of one page of a stream. */
export function pageQuery(spec: PageRequestSpec): Record<string, PhpFormValue> {
	const range = legacyEventTimeRange(spec.stream.list, spec.from, spec.to);
	const account = spec.smtpAccount ? { [LEGACY_EVENT_ACCOUNT_FILTER]: spec.smtpAccount } : {};
	return {
		...range.query,
		...legacyFilter({ ...range.filter, ...account }),
		sort: spec.newestFirst ? LEGACY_EVENT_SORT_DESCENDING : LEGACY_EVENT_SORT_ASCENDING,
		offset: spec.offset,
		limit: spec.limit,
	};
}

/** One page as the trigger needs it: the rows and EmailLabs' request id (for support). */
export interface EventPage {
	rows: IDataObject[];
	requestId: string | null;
	/** `number_of_elements`, when EmailLabs sends it. */
	total?: number;
}

/** Fetches one page; the node builds it on the transport client, tests may pass their own. */
export type PageSource = (spec: PageRequestSpec) => Promise<EventPage>;
