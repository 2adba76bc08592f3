import { basicAuthMatches } from './basicAuth';
import { checksumMatches } from './checksum';
import { secretsMatch } from './constantTime';
import { LEGACY_CHECKSUM, LEGACY_HEADERS, NEW_PANEL_CHECKSUM, NEW_PANEL_HEADERS } from './constants';
import type { WebhookSecrets } from './credential';
import { checkReplayWindow, type ReplayRejection } from './replayWindow';
import type { RequestHeaders, WebhookFormat } from './requestFormat';

/**
 * The request checks that use the credential's secrets: URL token, Basic auth, checksum with its
 * replay window. During a rotation the credential also holds the previous value of each secret,
 * accepted until a deadline; every check says which one matched, so the caller can log that a
 * rotation is still in progress.
 */

/** Which value of a secret matched: the current one, or the previous one of a rotation. */
export type KeyUsed = 'current' | 'previous';

export function header(headers: RequestHeaders, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** The previous value of a secret while its rotation deadline has not passed. */
function previousValue(secrets: WebhookSecrets, key: 'newPanelSecret' | 'legacySecret' | 'basicAuthPassword' | 'urlToken', nowMs: number): string | undefined {
	const previous = secrets.previous;
	return previous !== undefined && nowMs <= previous.untilMs ? previous[key] : undefined;
}

/**
 * undefined: the credential has no URL token (the query is not looked at). Otherwise the token of
 * the query (`?token=…`) must be the current or, before the deadline, the previous one.
 */
export function verifyUrlToken(secrets: WebhookSecrets, provided: string | undefined, nowMs: number): KeyUsed | 'invalid' | undefined {
	if (secrets.urlToken === undefined) return undefined;
	const given = provided ?? '';
	if (secretsMatch(secrets.urlToken, given) && given !== '') return 'current';
	const previous = previousValue(secrets, 'urlToken', nowMs);
	if (previous !== undefined && given !== '' && secretsMatch(previous, given)) return 'previous';
	return 'invalid';
}

/** undefined: no Basic auth configured. false: the header matches neither password. */
export function verifyBasicAuth(secrets: WebhookSecrets, authorization: string | undefined, nowMs: number): KeyUsed | false | undefined {
	if (secrets.basicAuth === undefined) return undefined;
	if (basicAuthMatches(secrets.basicAuth, authorization)) return 'current';
	const previous = previousValue(secrets, 'basicAuthPassword', nowMs);
	if (previous !== undefined && basicAuthMatches({ user: secrets.basicAuth.user, password: previous }, authorization)) return 'previous';
	return false;
}

export type ChecksumRejection = 'missing_signature_headers' | 'invalid_checksum' | 'scheme_not_configured' | ReplayRejection;

export type Verification =
	| { state: 'verified'; keyUsed: KeyUsed }
	| { state: 'unverified' }
	| { state: 'absent'; missing: string[] }
	| { state: 'rejected'; code: ChecksumRejection; missing?: string[] };

function checksumWith(format: WebhookFormat, headers: RequestHeaders, secrets: WebhookSecrets, secret: string, provided: string): boolean {
	return format === 'legacy'
		? checksumMatches(
				LEGACY_CHECKSUM,
				{
					timestamp: header(headers, LEGACY_HEADERS.timestamp),
					microtime: header(headers, LEGACY_HEADERS.microtime),
					panelName: secrets.legacy?.panelName,
					secret,
				},
				provided,
			)
		: checksumMatches(
				NEW_PANEL_CHECKSUM,
				{ secret, date: header(headers, NEW_PANEL_HEADERS.date), requestId: header(headers, NEW_PANEL_HEADERS.requestId) },
				provided,
			);
}

/**
 * Checksum and replay window for the request's format. `absent` means a secret is configured but
 * the request carries no checksum header: acceptable only for an event-less test call, which the
 * caller decides after parsing.
 */
export function verifyChecksum(
	format: WebhookFormat,
	headers: RequestHeaders,
	secrets: WebhookSecrets,
	maxAgeSeconds: number | null,
	nowMs: number,
): Verification {
	const anyConfigured = secrets.newPanelSecret !== undefined || secrets.legacy !== undefined;
	if (!anyConfigured) return { state: 'unverified' };

	const required =
		format === 'legacy'
			? [LEGACY_HEADERS.checksum, LEGACY_HEADERS.timestamp, LEGACY_HEADERS.microtime]
			: [NEW_PANEL_HEADERS.checksum, NEW_PANEL_HEADERS.date, NEW_PANEL_HEADERS.requestId];
	const missing = required.filter((name) => !header(headers, name));
	// Without the checksum header the request is unsigned (other headers may come from a proxy).
	if (missing.includes(required[0])) return { state: 'absent', missing };

	const current = format === 'legacy' ? secrets.legacy?.secret : secrets.newPanelSecret;
	if (current === undefined) return { state: 'rejected', code: 'scheme_not_configured' };
	if (missing.length > 0) return { state: 'rejected', code: 'missing_signature_headers', missing };

	const provided = header(headers, required[0]) as string;
	let keyUsed: KeyUsed | undefined = checksumWith(format, headers, secrets, current, provided) ? 'current' : undefined;
	if (keyUsed === undefined) {
		const previous = previousValue(secrets, format === 'legacy' ? 'legacySecret' : 'newPanelSecret', nowMs);
		if (previous !== undefined && checksumWith(format, headers, secrets, previous, provided)) keyUsed = 'previous';
	}
	if (keyUsed === undefined) return { state: 'rejected', code: 'invalid_checksum' };

	if (maxAgeSeconds !== null) {
		const dateHeader = header(headers, format === 'legacy' ? LEGACY_HEADERS.timestamp : NEW_PANEL_HEADERS.date) as string;
		const window = checkReplayWindow(dateHeader, nowMs, maxAgeSeconds);
		if (!window.ok) return { state: 'rejected', code: window.reason };
	}
	return { state: 'verified', keyUsed };
}
