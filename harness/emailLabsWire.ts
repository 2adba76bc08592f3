/**
 * EmailLabs' wire format for tests: credentials pointing at a FakeServer, and responders that
 * check the authentication each API generation uses and answer in its envelope.
 */
import type { FakeReply, FakeServer, RecordedRequest, Responder } from './fakeServer';

export const LEGACY_KEYS = { appKey: 'app-key-123', secretKey: 'legacy-SECRET-do-not-leak' };
export const V2_KEYS = { applicationKey: 'application-key-9', authorizationSecret: 'v2AUTH'.padEnd(128, 'x') };
export const SECRETS = [LEGACY_KEYS.secretKey, V2_KEYS.authorizationSecret];

export type Api = 'legacy' | 'v2';

export function credentialsFor(api: Api, server: FakeServer) {
	return api === 'legacy'
		? { api, ...LEGACY_KEYS, legacyBaseUrl: `${server.url}/api` }
		: { api, ...V2_KEYS, v2BaseUrl: `${server.url}/v2.1` };
}

export const basePath = (api: Api) => (api === 'legacy' ? '/api' : '/v2.1');

export function isAuthorised(api: Api, req: RecordedRequest): boolean {
	if (api === 'legacy') {
		const expected = 'Basic ' + Buffer.from(`${LEGACY_KEYS.appKey}:${LEGACY_KEYS.secretKey}`).toString('base64');
		return req.headers.authorization === expected;
	}
	return req.headers['application-key'] === V2_KEYS.applicationKey && req.headers.authorization === V2_KEYS.authorizationSecret;
}

export interface Answer {
	status?: number;
	data?: unknown;
	message?: unknown;
	/** v2 errors */
	errors?: Array<{ message: string; code?: string; meta?: Record<string, string> }>;
	headers?: Record<string, string>;
	total?: number;
}

let requestCounter = 0;

export function envelope(api: Api, answer: Answer): FakeReply {
	const status = answer.status ?? 200;
	const id = `req-${++requestCounter}`;
	if (api === 'legacy') {
		return {
			status,
			headers: answer.headers,
			body: {
				code: status,
				status: status < 400 ? 'success' : 'fail',
				message: answer.message ?? (status < 400 ? 'Action completed' : 'Error'),
				data: answer.data ?? [],
				req_id: id,
				...(answer.total !== undefined ? { number_of_elements: answer.total } : {}),
			},
		};
	}
	const errors = (answer.errors ?? []).map((error) => ({ title: 'Error', code: 'E-0-001', ...error }));
	const data = answer.data ?? [];
	return {
		status,
		headers: answer.headers,
		body: {
			meta: { numberOfErrors: errors.length, numberOfData: Array.isArray(data) ? data.length : 1, status, uniqId: id },
			data,
			errors,
		},
	};
}

/** Checks auth and the generation's body encoding, then answers in the generation's envelope. */
export function emailLabs(api: Api, answer: Answer | ((req: RecordedRequest) => Answer)): Responder {
	return (req) => {
		if (!isAuthorised(api, req)) {
			return envelope(
				api,
				api === 'legacy'
					? { status: 401, message: 'App Key is invalid' }
					: { status: 401, errors: [{ message: 'Invalid authorization key', code: 'E-0-401' }] },
			);
		}
		const type = String(req.headers['content-type'] ?? '');
		if (req.rawBody.length && api === 'legacy' && !type.startsWith('application/x-www-form-urlencoded')) {
			return envelope(api, { status: 400, message: `legacy API expects a form body, got ${type}` });
		}
		if (req.rawBody.length && api === 'v2' && !type.startsWith('application/json')) {
			return envelope(api, { status: 400, errors: [{ message: `v2.1 expects JSON, got ${type}` }] });
		}
		return envelope(api, typeof answer === 'function' ? answer(req) : answer);
	};
}

/** Recipients at this domain are refused per recipient (inside a successful answer). */
export const REJECTED_DOMAIN = 'reject.test';

/** Legacy new_sendmail / sendmail_templates: `data` maps each address to its Message-ID or an error. */
export const legacySendAnswer = (req: RecordedRequest): Answer => {
	const to = (req.form?.to ?? {}) as Record<string, { message_id?: string }>;
	return {
		data: Object.entries(to).map(([email, fields]) => ({
			[email]: email.endsWith('@' + REJECTED_DOMAIN) ? 'Recipient address rejected' : fields.message_id,
		})),
	};
};

/** v2.1 POST /email: data per accepted recipient, 207 + errors when some are refused. */
export const v2SendAnswer = (req: RecordedRequest): Answer => {
	const to = ((req.json as { to?: Array<{ email: string; messageId: string }> })?.to ?? []);
	const rejected = to.filter((recipient) => recipient.email.endsWith('@' + REJECTED_DOMAIN));
	return {
		status: rejected.length ? 207 : 200,
		data: to
			.filter((recipient) => !rejected.includes(recipient))
			.map((recipient) => ({ to: { email: recipient.email, messageId: recipient.messageId }, status: 'injected' })),
		errors: rejected.map((recipient) => ({ message: 'Recipient address rejected', code: 'E-2-010', meta: { parameter: 'to.email', value: recipient.email } })),
	};
};
