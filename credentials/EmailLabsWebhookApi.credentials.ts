import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Secrets for verifying EmailLabs webhooks. Separate from the API credential: these values are
 * never sent anywhere, EmailLabs uses them to sign what it sends to n8n.
 *
 * There is no `test` request here on purpose: EmailLabs has no endpoint that could confirm a
 * webhook secret. The EmailLabs Trigger node tests this credential instead (`testedBy` in its
 * description, which n8n's `credential-test-required` lint rule accepts) with a local
 * completeness check whose message says so.
 */
export class EmailLabsWebhookApi implements ICredentialType {
	name = 'emailLabsWebhookApi';

	displayName = 'EmailLabs Webhook API';

	icon = { light: 'file:../icons/emaillabs.svg', dark: 'file:../icons/emaillabs.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-emaillabs/n8n-nodes-emaillabs#emaillabs-trigger';

	properties: INodeProperties[] = [
		{
			displayName:
				'Fill in what you configured in EmailLabs: the new panel signs each request with its SecretKey, the old panel\'s Event API with the panel name and secret key. Basic auth is optional in both.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Secret Key (New Panel)',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Account → Settings → Webhooks → Generate SecretKey. Requests must carry a matching X-Webhook-Checksum.',
		},
		{
			displayName: 'Panel Name (Legacy Event API)',
			name: 'legacyPanelName',
			type: 'string',
			default: '',
			description: 'Old panel only: the panel (account) name that EmailLabs puts into X-EMAILLABS-ID',
		},
		{
			displayName: 'Secret Key (Legacy Event API)',
			name: 'legacySecretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Old panel only: the secret key from Administrator → API',
		},
		{
			displayName: 'Basic Auth User',
			name: 'basicAuthUser',
			type: 'string',
			default: '',
			description: 'Only if the EmailLabs webhook uses Basic auth',
		},
		{
			displayName: 'Basic Auth Password',
			name: 'basicAuthPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'URL Token',
			name: 'urlToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, requests must carry it as ?token=… on the webhook URL: give EmailLabs the production URL with ?token=<this value> appended. Change it (and the URL in EmailLabs) regularly.',
		},
		{
			displayName:
				'Rotation: to change a secret without losing events, put the new value above and the old one below, set the deadline, then change EmailLabs. Until the deadline both are accepted; afterwards the old one is refused.',
			name: 'rotationNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Previous Secret Key (New Panel)',
			name: 'previousSecretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Previous Secret Key (Legacy Event API)',
			name: 'previousLegacySecretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Previous Basic Auth Password',
			name: 'previousBasicAuthPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Previous URL Token',
			name: 'previousUrlToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Accept Previous Values Until',
			name: 'previousValidUntil',
			type: 'dateTime',
			default: '',
			description:
				'The previous values are refused after this time. EmailLabs retries a failed batch for up to 24 hours, so 26 hours after you changed EmailLabs is safe.',
		},
	];
}
