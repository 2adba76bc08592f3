import { nextOffset } from '../../EmailLabs/transport/wireAssumptions';
import { eventKey, type NormalisedEvent } from '../../EmailLabsTrigger/pipeline/normaliseEvent';
import type { StreamOutcome, TimeWindow } from './cursor';
import { mapApiRow } from './mapRow';
import type { EventPage, EventStream, PageSource } from './streams';

/**
 * Reads the streams page by page, taking turns so that one stream's backlog does not starve the
 * others, until every stream is caught up or a bound is hit. Only reads: nothing is recorded here,
 * because a later request may still fail and then nothing of this poll may count as seen.
 */

export interface StreamPlan {
	stream: EventStream;
	window: TimeWindow;
}

export interface CollectLimits {
	maxEvents: number;
	pageSize: number;
	/**
	 * Stop fetching once this returns true (the poll's time budget). There is no page limit: the
	 * overlap is read again on every poll, and a limit below its size would stop every poll there.
	 */
	outOfTime: () => boolean;
	smtpAccount?: string;
}

export interface CollectedEvent {
	event: NormalisedEvent;
	key: number;
	/** The stream it was read from. */
	path: string;
}

export interface CollectStats {
	pages: number;
	rows: number;
	/** Rows seen before (by either trigger) or twice in this poll. */
	duplicates: number;
	/** Rows without message id/recipient or a readable time: no key, so never handed on. */
	unreadable: number;
	/** Rows of another SMTP account (when EmailLabs ignores the account filter). */
	otherAccount: number;
	stoppedBy?: 'maxEvents' | 'time';
}

export interface Collected {
	events: CollectedEvent[];
	outcomes: Map<string, StreamOutcome>;
	stats: CollectStats;
}

interface StreamRead {
	plan: StreamPlan;
	offset: number;
	done: boolean;
	outcome: StreamOutcome;
	lastTime: number;
}

export async function collectEvents(
	fetchPage: PageSource,
	plans: readonly StreamPlan[],
	seen: { has(key: number): boolean },
	limits: CollectLimits,
): Promise<Collected> {
	const events: CollectedEvent[] = [];
	const taken = new Set<number>();
	const stats: CollectStats = { pages: 0, rows: 0, duplicates: 0, unreadable: 0, otherAccount: 0 };
	const account = limits.smtpAccount?.toLowerCase();
	const reads: StreamRead[] = plans.map((plan) => ({
		plan,
		offset: 0,
		done: plan.window.from > plan.window.to,
		outcome: { caughtUp: plan.window.from > plan.window.to, inOrder: true },
		lastTime: -Infinity,
	}));

	const handled = (read: StreamRead, time: number | null) => {
		if (time === null) return;
		if (time < read.lastTime) read.outcome.inOrder = false;
		read.lastTime = Math.max(read.lastTime, time);
		read.outcome.handledThrough = time;
	};

	/** The next stream with rows left, after the one at `index`, in turn (itself when it is the only one). */
	const turnAfter = (index: number): number | undefined => {
		for (let step = 1; step <= reads.length; step++) {
			const candidate = (index + step) % reads.length;
			if (!reads[candidate].done) return candidate;
		}
		return undefined;
	};
	const request = (read: StreamRead): Promise<EventPage> => {
		const { stream, window } = read.plan;
		const page = fetchPage({ stream, from: window.from, to: window.to, offset: read.offset, limit: limits.pageSize, smtpAccount: limits.smtpAccount });
		// A prefetched page that is never used must not become an unhandled rejection.
		page.catch(() => undefined);
		return page;
	};

	// One page is requested ahead while the current one is processed: the wait for EmailLabs and
	// the work on its rows overlap, and never more than one request is in flight.
	let prefetched: { read: StreamRead; page: Promise<EventPage> } | undefined;
	let current = turnAfter(reads.length - 1);
	outer: while (current !== undefined) {
		const read = reads[current];
		if (events.length >= limits.maxEvents) stats.stoppedBy = 'maxEvents';
		else if (limits.outOfTime()) stats.stoppedBy = 'time';
		if (stats.stoppedBy) break;

		const page = await (prefetched?.read === read ? prefetched.page : request(read));
		prefetched = undefined;
		stats.pages++;
		stats.rows += page.rows.length;
		read.offset = nextOffset(read.offset, page.rows.length);
		const lastPage = page.rows.length < limits.pageSize || (page.total !== undefined && read.offset >= page.total);
		read.done = lastPage;
		const next = turnAfter(current);
		if (next !== undefined && events.length < limits.maxEvents && !limits.outOfTime()) {
			prefetched = { read: reads[next], page: request(reads[next]) };
		}

		const { stream } = read.plan;
		for (const row of page.rows) {
			const event = mapApiRow(row, stream, page.requestId);
			if (account !== undefined && account !== '' && event.smtpAccount !== null && event.smtpAccount.toLowerCase() !== account) {
				stats.otherAccount++;
				handled(read, event.timestamp);
				continue;
			}
			const key = eventKey(event);
			if (key === undefined) {
				stats.unreadable++;
				handled(read, event.timestamp);
				continue;
			}
			if (seen.has(key) || taken.has(key)) {
				stats.duplicates++;
				handled(read, event.timestamp);
				continue;
			}
			if (events.length >= limits.maxEvents) {
				// The rest of this page is read again next poll, from this stream's cursor.
				stats.stoppedBy = 'maxEvents';
				break outer;
			}
			events.push({ event, key, path: stream.path });
			taken.add(key);
			handled(read, event.timestamp);
		}
		if (lastPage) read.outcome.caughtUp = true;
		current = next;
	}
	// A page asked for ahead and not needed: let it finish, so no request outlives the poll.
	if (prefetched) await prefetched.page.catch(() => undefined);

	const outcomes = new Map(reads.map((read) => [read.plan.stream.path, read.outcome]));
	return { events, outcomes, stats };
}
