import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import type { BasicAuthCredentials } from './basicAuth';

export const WEBHOOK_CREDENTIAL_TYPE = 'emailLabsWebhookApi';

/** The secrets of the EmailLabs Webhook credential that the pipeline verifies requests with. */
export interface WebhookSecrets {
	/** New-panel SecretKey. */
	newPanelSecret?: string;
	/** Legacy Event API panel name and secret; both are needed to compute X-EMAILLABS-ID. */
	legacy?: { panelName: string; secret: string };
	basicAuth?: BasicAuthCredentials;
	/** When set, a request's `?token=` must match (URL rotation). */
	urlToken?: string;
	/** The values a rotation replaced, accepted until `untilMs`. */
	previous?: PreviousSecrets;
}

export interface PreviousSecrets {
	newPanelSecret?: string;
	legacySecret?: string;
	basicAuthPassword?: string;
	urlToken?: string;
	/** Epoch milliseconds; afterwards the previous values are refused. */
	untilMs: number;
}

/** Credential fields of the previous values, by WebhookSecrets key. */
const PREVIOUS_FIELDS = {
	newPanelSecret: 'previousSecretKey',
	legacySecret: 'previousLegacySecretKey',
	basicAuthPassword: 'previousBasicAuthPassword',
	urlToken: 'previousUrlToken',
} as const;

/** The deadline of the previous values: a date n8n stores as ISO text; undefined when empty or not a date. */
function previousDeadline(data: ICredentialDataDecryptedObject): number | undefined {
	const value = data.previousValidUntil;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

function readPrevious(data: ICredentialDataDecryptedObject): PreviousSecrets | undefined {
	const untilMs = previousDeadline(data);
	if (untilMs === undefined) return undefined;
	const previous: PreviousSecrets = { untilMs };
	for (const [key, field] of Object.entries(PREVIOUS_FIELDS) as Array<[keyof typeof PREVIOUS_FIELDS, string]>) {
		const value = text(data, field);
		if (value !== '') previous[key] = value;
	}
	return Object.keys(previous).length > 1 ? previous : undefined;
}

const hasPreviousValues = (data: ICredentialDataDecryptedObject) => Object.values(PREVIOUS_FIELDS).some((field) => text(data, field) !== '');

/** Secrets are trimmed: leading or trailing spaces in a pasted key are a copy error, never part of it. */
function text(data: ICredentialDataDecryptedObject, field: string): string {
	const value = data[field];
	return typeof value === 'string' ? value.trim() : '';
}

export function secretsFromCredential(data: ICredentialDataDecryptedObject | undefined): WebhookSecrets {
	if (data === undefined) return {};
	const secrets: WebhookSecrets = {};
	const secretKey = text(data, 'secretKey');
	if (secretKey !== '') secrets.newPanelSecret = secretKey;
	const panelName = text(data, 'legacyPanelName');
	const legacySecret = text(data, 'legacySecretKey');
	if (panelName !== '' && legacySecret !== '') secrets.legacy = { panelName, secret: legacySecret };
	const user = text(data, 'basicAuthUser');
	const password = text(data, 'basicAuthPassword');
	if (user !== '' || password !== '') secrets.basicAuth = { user, password };
	const urlToken = text(data, 'urlToken');
	if (urlToken !== '') secrets.urlToken = urlToken;
	const previous = readPrevious(data);
	if (previous !== undefined) secrets.previous = previous;
	return secrets;
}

/**
 * The credential test. EmailLabs has no endpoint that could confirm a webhook secret (the secret
 * only ever travels from EmailLabs to n8n), so this checks locally that the credential is complete
 * and says plainly that the real proof is the Test button in the EmailLabs panel.
 */
export function checkWebhookCredential(data: ICredentialDataDecryptedObject): INodeCredentialTestResult {
	const panelName = text(data, 'legacyPanelName');
	const legacySecret = text(data, 'legacySecretKey');
	if ((panelName === '') !== (legacySecret === '')) {
		return { status: 'Error', message: 'The legacy Event API needs both the panel name and the secret key.' };
	}
	const user = text(data, 'basicAuthUser');
	const password = text(data, 'basicAuthPassword');
	if ((user === '') !== (password === '')) {
		return { status: 'Error', message: 'Basic auth needs both a user and a password.' };
	}
	const secrets = secretsFromCredential(data);
	if (secrets.newPanelSecret === undefined && secrets.legacy === undefined && secrets.basicAuth === undefined && secrets.urlToken === undefined) {
		return { status: 'Error', message: 'Enter the SecretKey, the legacy panel name and secret key, Basic auth or a URL token.' };
	}
	if (hasPreviousValues(data) && previousDeadline(data) === undefined) {
		return { status: 'Error', message: 'Previous values are only accepted until a deadline: set Accept Previous Values Until (26 hours after you change EmailLabs covers its retries).' };
	}
	if (text(data, 'previousUrlToken') !== '' && secrets.urlToken === undefined) {
		return { status: 'Error', message: 'A previous URL token needs a current URL token.' };
	}
	const notes = [
		'The credential is complete. EmailLabs offers no way to check a webhook secret from n8n: activate the workflow and press Test in the EmailLabs panel; a wrong secret is answered with HTTP 401.',
	];
	if (secrets.urlToken !== undefined) notes.push('Give EmailLabs the production URL with ?token= and the URL token appended.');
	const deadline = previousDeadline(data);
	if (hasPreviousValues(data) && deadline !== undefined) {
		notes.push(deadline > Date.now() ? `Previous values are accepted until ${new Date(deadline).toISOString()}.` : 'The deadline for the previous values has passed: they are refused now and can be removed.');
	}
	return { status: 'OK', message: notes.join(' ') };
}
