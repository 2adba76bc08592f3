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
}

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
	if (secrets.newPanelSecret === undefined && secrets.legacy === undefined && secrets.basicAuth === undefined) {
		return { status: 'Error', message: 'Enter the SecretKey, the legacy panel name and secret key, or Basic auth.' };
	}
	return {
		status: 'OK',
		message:
			'The credential is complete. EmailLabs offers no way to check a webhook secret from n8n: activate the workflow and press Test in the EmailLabs panel; a wrong secret is answered with HTTP 401.',
	};
}
