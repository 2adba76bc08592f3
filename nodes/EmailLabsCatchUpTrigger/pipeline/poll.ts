import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import { createClient, toList, type EmailLabsClient } from '../../EmailLabs/transport';
import { DEDUPE_CAPACITY } from '../../EmailLabsTrigger/pipeline/constants';
import { workflowEventMemory } from '../../EmailLabsTrigger/pipeline/seenMemory';
import { collectEvents, type CollectedEvent, type CollectStats, type StreamPlan } from './collect';
import { advanceCursor, readCursorState, streamWindow, writeCursorState, type CursorState } from './cursor';
import { recentEvents, TEST_LOOKBACK_SECONDS } from './recent';
import { readSettings, DEFAULTS, type CatchUpSettings } from './settings';
import { pageQuery, type PageSource } from './streams';
import { V2_UNSUPPORTED_DESCRIPTION, V2_UNSUPPORTED_MESSAGE } from '../description';

/**
 * One poll: read the settings, check the credential, fetch what is new since each stream's
 * cursor, hand it to n8n and only then move the cursors and record the keys. Any failure throws
 * before anything is written, so the next poll reads the same windows again.
 */

/** Share of n8n's poll budget spent fetching; the rest is left for handing the items over. */
const FETCH_SHARE_OF_BUDGET = 0.5;
/** n8n's default poll budget, for n8n versions without getPollBudgetMs. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

function pageSource(client: EmailLabsClient): PageSource {
	return async (spec) => {
		const response = await client.request({ method: 'GET', path: spec.stream.path, query: pageQuery(spec), emptyOnNotFound: true });
		return { rows: toList(response.data), requestId: response.requestId ?? null, total: response.total };
	};
}

function readNodeSettings(context: IPollFunctions): CatchUpSettings {
	const result = readSettings(
		(name, fallback) => context.getNodeParameter(name, fallback),
		context.getTimezone(),
		context.getNodeParameter('startFrom', '', { rawExpressions: true }),
	);
	if (!result.ok) throw new NodeOperationError(context.getNode(), result.message, { description: result.description });
	return result.settings;
}

/** The EmailLabs client, refused for an API v2.1 credential (it has no event lists). */
async function legacyClient(context: IPollFunctions, node: INode): Promise<EmailLabsClient> {
	const client = await createClient(context);
	if (client.generation !== 'legacy') {
		throw new NodeOperationError(node, V2_UNSUPPORTED_MESSAGE, { description: V2_UNSUPPORTED_DESCRIPTION });
	}
	return client;
}

function describe(stats: CollectStats, returned: number): string {
	const stop = stats.stoppedBy ? `, stopped by ${stats.stoppedBy === 'maxEvents' ? 'Max Events per Poll' : 'the poll time budget'} (the rest follows next poll)` : '';
	return (
		`EmailLabs Catch-Up Trigger: ${returned} new event(s) from ${stats.rows} row(s) in ${stats.pages} page(s); ` +
		`duplicates=${stats.duplicates}, other account=${stats.otherAccount}, unreadable=${stats.unreadable}${stop}`
	);
}

/**
 * Events handed on that the next poll reads again (inside the overlap of the new cursors). Only
 * the shared memory recognises them, and it keeps the newest DEDUPE_CAPACITY keys.
 */
function eventsInNextOverlap(returned: readonly CollectedEvent[], state: CursorState, overlapSeconds: number): number {
	let count = 0;
	for (const { event, path } of returned) {
		const through = state.streams[path]?.through;
		if (through !== undefined && event.timestamp !== null && event.timestamp >= through - overlapSeconds) count++;
	}
	return count;
}

/** The windows of this poll; a stream seen for the first time starts at Start From or an hour ago. */
function planStreams(state: CursorState, settings: CatchUpSettings, nowSeconds: number): StreamPlan[] {
	return settings.streams.map((stream) => {
		state.streams[stream.path] ??= { floor: settings.startFromSeconds ?? nowSeconds - DEFAULTS.firstPollLookbackSeconds };
		return { stream, window: streamWindow(state.streams[stream.path], nowSeconds, settings.overlapSeconds) };
	});
}

export async function pollCatchUp(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = this.getNode();
	const settings = readNodeSettings(this);
	const client = await legacyClient(this, node);
	const fetchPage = pageSource(client);
	const nowSeconds = Math.floor(Date.now() / 1000);

	if (this.getMode() === 'manual') {
		const recent = await recentEvents(fetchPage, settings.streams, nowSeconds, settings.smtpAccount);
		if (!recent.length) {
			throw new NodeOperationError(node, `No events of the selected kinds in the last ${TEST_LOOKBACK_SECONDS / 86_400} days`, {
				description: 'Send a message (or fire an event in the EmailLabs sandbox) and fetch again. The active workflow is not affected.',
			});
		}
		return [recent.map((json) => ({ json }))];
	}

	const nodeData = this.getWorkflowStaticData('node');
	const state = readCursorState(nodeData, settings.startFrom);
	const plans = planStreams(state, settings, nowSeconds);
	const workflowData = this.getWorkflowStaticData('global');
	const memory = workflowEventMemory({ workflowId: this.getWorkflow().id, manual: false }, workflowData);

	const started = Date.now();
	const budgetMs = (typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_POLL_BUDGET_MS) * FETCH_SHARE_OF_BUDGET;
	const collected = await collectEvents(fetchPage, plans, memory, {
		maxEvents: settings.maxEvents,
		pageSize: settings.pageSize,
		outOfTime: () => Date.now() - started > budgetMs,
		smtpAccount: settings.smtpAccount,
	});

	// Every request succeeded: record the keys (a webhook may have recorded one meanwhile, which
	// then is not handed on twice), then move the cursors.
	const returned = collected.events.filter(({ key }) => memory.add(key));
	for (const plan of plans) {
		const outcome = collected.outcomes.get(plan.stream.path);
		if (outcome) state.streams[plan.stream.path] = advanceCursor(state.streams[plan.stream.path], plan.window, outcome);
	}
	writeCursorState(nodeData, state);
	if (memory.unsaved) memory.mirrorInto(workflowData);
	this.logger.debug(describe(collected.stats, returned.length));
	if (collected.stats.unreadable) {
		this.logger.warn(`EmailLabs Catch-Up Trigger: skipped ${collected.stats.unreadable} row(s) without a message id or recipient and a readable created_at time`);
	}
	const reread = eventsInNextOverlap(returned, state, settings.overlapSeconds);
	if (reread > DEDUPE_CAPACITY) {
		this.logger.warn(
			`EmailLabs Catch-Up Trigger: ${reread} events lie inside the overlap the next poll reads again, more than the ${DEDUPE_CAPACITY} keys de-duplication keeps; some may run twice. Lower Overlap or poll more often.`,
		);
	}

	if (!returned.length) return null;
	// Oldest first across streams (stable within one stream).
	returned.sort((a, b) => (a.event.timestamp ?? 0) - (b.event.timestamp ?? 0));
	return [returned.map(({ event }) => ({ json: event as unknown as IDataObject }))];
}
