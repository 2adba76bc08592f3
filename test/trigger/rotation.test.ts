/**
 * Rotation of the webhook secrets: the verification matrix (current / previous before its
 * deadline / previous after it) for the new-panel SecretKey, the legacy secret, the Basic auth
 * password and the URL token, through the pipeline and through n8n's webhook context.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { checkWebhookCredential, secretsFromCredential } from '../../nodes/EmailLabsTrigger/pipeline/credential';
import { processWebhookRequest, type Outcome } from '../../nodes/EmailLabsTrigger/pipeline/processRequest';
import { readTriggerSettings } from '../../nodes/EmailLabsTrigger/pipeline/settings';
import { basicAuthHeader, legacyBody, legacyHeaders, newPanelEvent, newPanelHeaders } from './fixtures';
import { uniqueRequestId, WebhookHarness } from './webhookHarness';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const BEFORE_DEADLINE = NOW - 1000;
const AFTER_DEADLINE = NOW + 26 * 3600_000 + 1000;

const credential: ICredentialDataDecryptedObject = {
	secretKey: 'new-secret',
	previousSecretKey: 'old-secret',
	legacyPanelName: 'acme',
	legacySecretKey: 'new-legacy',
	previousLegacySecretKey: 'old-legacy',
	basicAuthUser: 'hook',
	basicAuthPassword: 'new-pass',
	previousBasicAuthPassword: 'old-pass',
	urlToken: 'new-token',
	previousUrlToken: 'old-token',
	previousValidUntil: new Date(NOW + 26 * 3600_000).toISOString(),
};

const settings = (() => {
	const result = readTriggerSettings(['hardBounce'], 'normalised', { replayWindowHours: 0 });
	if (!result.ok) throw new Error(result.message);
	return result.settings;
})();

interface Keys {
	secret?: 'new' | 'old' | 'wrong';
	legacy?: 'new' | 'old' | 'wrong';
	password?: 'new' | 'old' | 'wrong';
	token?: 'new' | 'old' | 'wrong' | 'none';
}

function request(keys: Keys, nowMs: number): Outcome {
	const { secret = 'new', password = 'new', token = 'new' } = keys;
	const signing = keys.legacy
		? { headers: legacyHeaders({ panelName: 'acme', secret: `${keys.legacy}-legacy` }), body: legacyBody([newPanelEvent()]), contentType: 'application/x-www-form-urlencoded' }
		: { headers: newPanelHeaders(uniqueRequestId(), { secret: `${secret}-secret` }), body: JSON.stringify([newPanelEvent()]), contentType: 'application/json' };
	return processWebhookRequest(
		{
			headers: { ...signing.headers, authorization: basicAuthHeader('hook', `${password}-pass`), 'content-type': signing.contentType },
			remoteAddress: '127.0.0.1',
			rawBody: Buffer.from(signing.body),
			parsedBody: undefined,
			contentType: signing.contentType,
			urlToken: token === 'none' ? undefined : `${token}-token`,
		},
		settings,
		secretsFromCredential(credential),
		undefined,
		nowMs,
	);
}

const summary = (outcome: Outcome) =>
	outcome.action === 'reject' ? `${outcome.status} ${outcome.code}` : `${outcome.action} previous:${outcome.stats.verifiedWithPrevious.join('+') || '-'}`;

describe('the verification matrix', () => {
	it.each<[string, string, string, Keys]>([
		['all current', 'run previous:-', 'run previous:-', {}],
		['previous SecretKey', 'run previous:checksum', '401 invalid_checksum', { secret: 'old' }],
		['previous legacy secret', 'run previous:checksum', '401 invalid_checksum', { legacy: 'old' }],
		['current legacy secret', 'run previous:-', 'run previous:-', { legacy: 'new' }],
		['previous Basic auth password', 'run previous:basicAuth', '401 basic_auth_failed', { password: 'old' }],
		['previous URL token', 'run previous:urlToken', '401 invalid_url_token', { token: 'old' }],
		['everything previous', 'run previous:urlToken+basicAuth+checksum', '401 invalid_url_token', { secret: 'old', password: 'old', token: 'old' }],
		['a wrong SecretKey', '401 invalid_checksum', '401 invalid_checksum', { secret: 'wrong' }],
		['a wrong password', '401 basic_auth_failed', '401 basic_auth_failed', { password: 'wrong' }],
		['a wrong URL token', '401 invalid_url_token', '401 invalid_url_token', { token: 'wrong' }],
		['no URL token', '401 invalid_url_token', '401 invalid_url_token', { token: 'none' }],
	])('%s: before the deadline %s, after it %s', (_name, before, after, keys) => {
		expect(summary(request(keys, BEFORE_DEADLINE))).toBe(before);
		expect(summary(request(keys, AFTER_DEADLINE))).toBe(after);
	});

	it('previous values without a deadline are never accepted, and the credential test says why', () => {
		const withoutDeadline = { ...credential, previousValidUntil: '' };
		expect(secretsFromCredential(withoutDeadline).previous).toBeUndefined();
		expect(checkWebhookCredential(withoutDeadline)).toMatchObject({ status: 'Error', message: expect.stringMatching(/Accept Previous Values Until/) });
		expect(checkWebhookCredential(credential)).toMatchObject({ status: 'OK', message: expect.stringMatching(/\?token=/) });
	});
});

describe('rotation through n8n’s webhook context', () => {
	let harness: WebhookHarness;
	afterEach(async () => await harness.close());

	it('takes the token from the query string, runs on the previous secret with a log line, and never logs a token or secret', async () => {
		harness = await WebhookHarness.start({ credential: { ...credential, previousValidUntil: new Date(Date.now() + 60_000).toISOString() }, parameters: { events: ['hardBounce'] } });
		const headers = { ...newPanelHeaders(uniqueRequestId(), { secret: 'old-secret' }), authorization: basicAuthHeader('hook', 'new-pass') };
		const ok = await harness.post({ body: JSON.stringify([newPanelEvent()]), headers, query: '?token=old-token' });
		expect(ok.status).toBe(200);
		expect(ok.execution).toHaveLength(1);
		expect(harness.logs.some((entry) => /verified with the previous urlToken and checksum value, rotation still in progress/.test(entry.message))).toBe(true);
		const refused = await harness.post({ body: JSON.stringify([newPanelEvent({}, 2)]), headers: { ...newPanelHeaders(uniqueRequestId(), { secret: 'new-secret' }), authorization: basicAuthHeader('hook', 'new-pass') }, query: '?token=guess' });
		expect(refused.status).toBe(401);
		expect(refused.json).toMatchObject({ code: 'invalid_url_token' });
		const everything = JSON.stringify([harness.logs, ok.execution, refused.text]);
		for (const secret of ['old-token', 'new-token', 'old-secret', 'new-secret', 'old-pass', 'new-pass', 'guess']) expect(everything).not.toContain(secret);
	});
});
