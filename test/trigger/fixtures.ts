/** Test data and signatures, computed independently of the node's helpers (plain node:crypto). */
import { createHash } from 'node:crypto';

export const SECRET = 'el-new-panel-secret-7f3a9c';
export const PANEL_NAME = 'acme-panel';
export const LEGACY_SECRET = 'el-legacy-secret-b81d2e';

export const sha1Hex = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');
export const md5Hex = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** `YYYY-MM-DD HH:MM:SS` in UTC, the form seen in X-Webhook-Date. */
export function webhookDate(ms = Date.now()): string {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function newPanelHeaders(
	requestId: string,
	options: { secret?: string; date?: string } = {},
): Record<string, string> {
	const date = options.date ?? webhookDate();
	return {
		'x-webhook-date': date,
		'request-id': requestId,
		'x-webhook-checksum': sha1Hex(`${options.secret ?? SECRET}|${date}|${requestId}`),
	};
}

export function legacyHeaders(
	options: { ts?: string; mt?: string; panelName?: string; secret?: string; batchType?: string } = {},
): Record<string, string> {
	const ts = options.ts ?? String(Math.floor(Date.now() / 1000));
	const mt = options.mt ?? `${ts}.123456`;
	return {
		'x-emaillabs-ts': ts,
		'x-emaillabs-mt': mt,
		'x-emaillabs-ev': options.batchType ?? 'NEW_EVENTS',
		'x-emaillabs-id': md5Hex(`${ts}|${mt}|${options.panelName ?? PANEL_NAME}|${options.secret ?? LEGACY_SECRET}`),
	};
}

/** Form body of the legacy Event API: field p = base64(JSON). */
export function legacyBody(events: unknown): string {
	return `p=${encodeURIComponent(Buffer.from(JSON.stringify(events), 'utf8').toString('base64'))}`;
}

export const STATUS_TIME = 1790326800; // 2026-09-25T09:00:00Z

export function newPanelEvent(overrides: Record<string, unknown> = {}, index = 0): Record<string, unknown> {
	return {
		subject: `Order ${index}`,
		smtpAccount: '1.acme.smtp',
		to: { email: `customer${index}@example.com`, name: `Customer ${index}`, messageId: `<msg-${index}@acme.example>` },
		from: { email: 'no-reply@acme.example', name: 'ACME' },
		tags: ['transactional'],
		status: 'hardbounce',
		statusTime: STATUS_TIME + index,
		statusDesc: '550 5.1.1 user unknown',
		allStatuses: [],
		...overrides,
	};
}

export const allCredential = {
	secretKey: SECRET,
	legacyPanelName: PANEL_NAME,
	legacySecretKey: LEGACY_SECRET,
	basicAuthUser: '',
	basicAuthPassword: '',
};

export const basicAuthHeader = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
