/**
 * Every wire detail of EmailLabs webhooks that is not confirmed by vendor documentation lives here,
 * so that one edit fixes it when EmailLabs confirms or changes it.
 *
 * Sources:
 * - Legacy Event API (old panel): the vendor page "Start z Event API"
 *   (http://docs.emaillabs.pl/api/start-z-event-api/) names the X-EMAILLABS-* headers, the form
 *   field `p` (base64 JSON) and the MD5 input order TS|MT|panel name|secret. It does not say how
 *   the digest is encoded; hex is assumed.
 * - New panel: the vendor documentation only says there is a "SecretKey" and an integrity hash
 *   ("Webhook configuration", https://newpanel.docs.emaillabs.io/en/account/settings/webhooks/webhook-configuration).
 *   The header names, SHA-1 (not HMAC) and the order secret|date|request id come from one public
 *   integration and its tests (github.com/aktualnosci-be/pracujbe, src/lib/email/emaillabs-webhook.ts
 *   and tests/unit/emaillabs-webhook.test.ts); another integration saw no signature at all
 *   (github.com/bedikryst/VoctManager, backend/notifications/emaillabs_webhook.py).
 * Header names are lower case because Node.js lower-cases incoming header names.
 */

export const CHECKSUM_SEPARATOR = '|';

export const NEW_PANEL_HEADERS = {
	checksum: 'x-webhook-checksum',
	date: 'x-webhook-date',
	requestId: 'request-id',
} as const;

export const LEGACY_HEADERS = {
	checksum: 'x-emaillabs-id',
	timestamp: 'x-emaillabs-ts',
	microtime: 'x-emaillabs-mt',
	batchType: 'x-emaillabs-ev',
} as const;

/** `X-EMAILLABS-EV` value of a batch EmailLabs sends again after a receiving error. */
export const LEGACY_REPEAT_BATCH = 'REPEAT_EVENTS';

/** Form field of the legacy Event API that carries base64-encoded JSON events. */
export const LEGACY_PAYLOAD_FIELD = 'p';

export type ChecksumPart = 'secret' | 'date' | 'requestId' | 'timestamp' | 'microtime' | 'panelName';

export interface ChecksumScheme {
	readonly algorithm: 'sha1' | 'md5';
	/** Parts joined by CHECKSUM_SEPARATOR, in this order, then hashed and hex-encoded. */
	readonly order: readonly ChecksumPart[];
	/** Length of the hex digest, checked before the constant-time comparison. */
	readonly hexLength: number;
}

/** From a public integration (see above): hex SHA-1 of `secret|X-Webhook-Date|Request-Id`. */
export const NEW_PANEL_CHECKSUM: ChecksumScheme = {
	algorithm: 'sha1',
	order: ['secret', 'date', 'requestId'],
	hexLength: 40,
};

/** Vendor documentation (hex assumed): MD5 of `X-EMAILLABS-TS|X-EMAILLABS-MT|panel name|secret`. */
export const LEGACY_CHECKSUM: ChecksumScheme = {
	algorithm: 'md5',
	order: ['timestamp', 'microtime', 'panelName', 'secret'],
	hexLength: 32,
};

/**
 * EmailLabs retries after 1 h, 6 h and 24 h (or 30 min, 2 h, 24 h; the retry rule in "Webhook
 * configuration", https://newpanel.docs.emaillabs.io/en/account/settings/webhooks/webhook-configuration),
 * so a genuine request can be about 24 h old; 26 h leaves a margin for queueing and clock skew.
 */
export const DEFAULT_MAX_AGE_HOURS = 26;

/**
 * How far in the future a signed date may lie. Generous on purpose: the zone of `X-Webhook-Date`
 * is undocumented (it is read as UTC); if EmailLabs sends Polish local time (UTC+1/UTC+2),
 * its dates look up to two hours ahead.
 */
export const MAX_FUTURE_SKEW_SECONDS = 3 * 3600;

/** Each de-duplication list keeps the most recent this-many keys. */
export const DEDUPE_CAPACITY = 10_000;
