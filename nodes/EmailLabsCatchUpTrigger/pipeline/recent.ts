import { LEGACY_ACTIVITY_RETENTION_DAYS } from '../../EmailLabs/transport/wireAssumptions';
import type { NormalisedEvent } from '../../EmailLabsTrigger/pipeline/normaliseEvent';
import { mapApiRow } from './mapRow';
import type { EventStream, PageSource } from './streams';

/**
 * "Fetch Test Event": the newest few events of the selected kinds, so the user sees real data
 * while building the workflow. It reads no cursor and records nothing, so the active workflow
 * later still gets these events.
 */

export const TEST_EVENTS = 5;

/** How far back the test fetch looks: as long as EmailLabs keeps opens and clicks. */
export const TEST_LOOKBACK_SECONDS = LEGACY_ACTIVITY_RETENTION_DAYS * 86_400;

export async function recentEvents(
	fetchPage: PageSource,
	streams: readonly EventStream[],
	nowSeconds: number,
	smtpAccount: string | undefined,
): Promise<NormalisedEvent[]> {
	const found: NormalisedEvent[] = [];
	for (const stream of streams) {
		const page = await fetchPage({
			stream,
			from: nowSeconds - TEST_LOOKBACK_SECONDS,
			to: nowSeconds,
			offset: 0,
			limit: TEST_EVENTS,
			smtpAccount,
			newestFirst: true,
		});
		for (const row of page.rows) {
			const event = mapApiRow(row, stream, page.requestId);
			if (smtpAccount && event.smtpAccount !== null && event.smtpAccount.toLowerCase() !== smtpAccount.toLowerCase()) continue;
			found.push(event);
		}
	}
	// Newest first across streams; undated rows last.
	return found.sort((a, b) => (b.timestamp ?? -1) - (a.timestamp ?? -1)).slice(0, TEST_EVENTS);
}
