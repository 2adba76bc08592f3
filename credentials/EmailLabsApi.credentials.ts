import type {
	IAuthenticate,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { legacyWire, v2Wire } from '../nodes/EmailLabs/transport/generations';

/**
 * EmailLabs has two API generations that share nothing on the wire:
 * - Legacy (old panel): App Key + Secret Key as HTTP Basic, form-encoded bodies.
 * - v2.1 (new panel): `Application-Key` header + raw `Authorization` header (no "Basic"/"Bearer"), JSON bodies.
 */
export class EmailLabsApi implements ICredentialType {
	name = 'emailLabsApi';

	displayName = 'EmailLabs API';

	icon: Icon = { light: 'file:../icons/emaillabs.svg', dark: 'file:../icons/emaillabs.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-emaillabs/n8n-nodes-emaillabs#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API',
			name: 'api',
			type: 'options',
			options: [
				{
					name: 'Legacy API (App Key + Secret Key)',
					value: 'legacy',
					description: 'Old panel (panel.emaillabs.net.pl): Administrator → API → Show keys',
				},
				{
					name: 'API v2.1 (New Panel Key Pair)',
					value: 'v2',
					description: 'New panel: Account → Settings → API → Generate API key',
				},
			],
			default: 'legacy',
		},
		{
			displayName: 'App Key',
			description: 'Sent as the HTTP Basic user name; the Secret Key is the secret',
			name: 'appKey',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { api: ['legacy'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { api: ['legacy'] } },
		},
		{
			displayName: 'Application Key',
			name: 'applicationKey',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { api: ['v2'] } },
		},
		{
			displayName: 'Authorization Key',
			name: 'authorizationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The 128-character key shown once when the API key is generated. It is sent as is, without a prefix.',
			displayOptions: { show: { api: ['v2'] } },
		},
		{
			displayName: 'Base URL',
			name: 'legacyBaseUrl',
			type: 'string',
			default: legacyWire.defaultBaseUrl,
			description: 'Change only for a proxy or the local EmailLabs sandbox',
			displayOptions: { show: { api: ['legacy'] } },
		},
		{
			displayName: 'Base URL',
			name: 'v2BaseUrl',
			type: 'string',
			default: v2Wire.defaultBaseUrl,
			description: 'Change only for a proxy or the local EmailLabs sandbox',
			displayOptions: { show: { api: ['v2'] } },
		},
	];

	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		if (credentials.api === 'v2') {
			requestOptions.headers = {
				...requestOptions.headers,
				'Application-Key': credentials.applicationKey as string,
				Authorization: credentials.authorizationSecret as string,
			};
		} else {
			requestOptions.auth = {
				username: credentials.appKey as string,
				password: credentials.secretKey as string,
			};
		}
		return requestOptions;
	};

	// A cheap read on each generation: the SMTP account list.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ (($credentials.api === "v2" ? $credentials.v2BaseUrl : $credentials.legacyBaseUrl) || "").replace(/\\/+$/, "") }}',
			url: `={{ $credentials.api === "v2" ? "/${v2Wire.paths.smtpAccounts}" : "/${legacyWire.paths.smtpAccounts}" }}`,
			method: 'GET',
		},
	};
}
