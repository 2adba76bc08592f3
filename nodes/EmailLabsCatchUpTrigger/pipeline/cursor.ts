import type { IDataObject } from 'n8n-workflow';

import { CATCH_UP_MIN_OVERLAP_SECONDS } from '../../EmailLabs/transport/wireAssumptions';

/**
 * The time cursor of each stream, kept in the node's static data. Pure functions: a poll reads
 * the state, computes windows, and writes the advanced state only after every request succeeded,
 * so a failed poll leaves the cursor where it was.
 */

/** Unix seconds. */
export interface StreamCursor {
	/** Nothing earlier is read for this stream: Start From, or one hour before its first poll. */
	floor: number;
	/** Every row up to this second was handed to n8n or recognised as seen (undefined: none yet). */
	through?: number;
}

export interface CursorState {
	version: 1;
	/** The Start From parameter the cursors were started with; another value starts them afresh. */
	startFrom: string;
	streams: Record<string, StreamCursor>;
}

export const CURSOR_STATE_KEY = 'catchUpCursors';

const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function readStream(value: unknown): StreamCursor | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { floor, through } = value as IDataObject;
	if (!isSeconds(floor)) return undefined;
	return isSeconds(through) ? { floor, through } : { floor };
}

/** The stored state as a plain copy (n8n hands static data over as a change-tracking proxy). */
export function readCursorState(nodeData: IDataObject, startFrom: string): CursorState {
	const stored = nodeData[CURSOR_STATE_KEY] as IDataObject | undefined;
	const fresh: CursorState = { version: 1, startFrom, streams: {} };
	if (typeof stored !== 'object' || stored === null || stored.version !== 1 || stored.startFrom !== startFrom) return fresh;
	const streams = (stored.streams ?? {}) as IDataObject;
	for (const [path, value] of Object.entries(streams)) {
		const cursor = readStream(value);
		if (cursor !== undefined) fresh.streams[path] = cursor;
	}
	return fresh;
}

/** One assignment of a new object, so that n8n's static-data proxy records the change. */
export function writeCursorState(nodeData: IDataObject, state: CursorState): void {
	nodeData[CURSOR_STATE_KEY] = JSON.parse(JSON.stringify(state)) as IDataObject;
}

export interface TimeWindow {
	/** Unix seconds, both inclusive. */
	from: number;
	to: number;
}

/**
 * The window a poll reads for a stream: from the cursor minus the overlap (rows EmailLabs lists
 * late), never before the floor, up to now. Empty (from > to) while Start From lies ahead.
 */
export function streamWindow(cursor: StreamCursor, nowSeconds: number, overlapSeconds: number): TimeWindow {
	if (cursor.through === undefined) return { from: cursor.floor, to: nowSeconds };
	const overlap = Math.max(overlapSeconds, CATCH_UP_MIN_OVERLAP_SECONDS);
	return { from: Math.max(cursor.floor, cursor.through - overlap), to: nowSeconds };
}

/** What one poll achieved on a stream. */
export interface StreamOutcome {
	/** Every row of the window was read. */
	caughtUp: boolean;
	/** The time of the last row handed on or recognised as seen, in the order read. */
	handledThrough?: number;
	/** The rows came oldest first, as asked; if not, only a caught-up stream moves. */
	inOrder: boolean;
}

/**
 * The cursor after a successful poll. A caught-up stream moves to the window's end. A stream cut
 * short (Max Events per Poll, time budget) moves to its last handled row only: rows of that same
 * second not handed on yet are read again next time and de-duplication drops the ones that were.
 * A cursor never moves back, nor past the window's end (a row dated in the future).
 */
export function advanceCursor(cursor: StreamCursor, window: TimeWindow, outcome: StreamOutcome): StreamCursor {
	const reached = outcome.caughtUp ? window.to : outcome.inOrder ? outcome.handledThrough : undefined;
	if (reached === undefined) return { ...cursor };
	const bounded = Math.min(reached, window.to);
	return { floor: cursor.floor, through: cursor.through === undefined ? bounded : Math.max(cursor.through, bounded) };
}
