import { MAX_FUTURE_SKEW_SECONDS } from './constants';
import { parseTimestamp } from './time';

export type ReplayRejection = 'unparseable_date' | 'stale_date' | 'future_date';

export type ReplayCheck = { ok: true; sentAtMs: number } | { ok: false; reason: ReplayRejection };

/**
 * Whether a request's signed send time lies inside the accepted window. The checksum covers the
 * date, so an attacker cannot move it: the window limits how long a captured request can be replayed.
 */
export function checkReplayWindow(
	dateHeader: string,
	nowMs: number,
	maxAgeSeconds: number,
): ReplayCheck {
	const sentAtMs = parseTimestamp(dateHeader);
	if (sentAtMs === undefined) return { ok: false, reason: 'unparseable_date' };
	const ageSeconds = (nowMs - sentAtMs) / 1000;
	if (ageSeconds > maxAgeSeconds) return { ok: false, reason: 'stale_date' };
	if (-ageSeconds > MAX_FUTURE_SKEW_SECONDS) return { ok: false, reason: 'future_date' };
	return { ok: true, sentAtMs };
}
