import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { EmailLabsApi } from '../credentials/EmailLabsApi.credentials';
import { EmailLabs } from '../nodes/EmailLabs/EmailLabs.node';
import { runLoadOptions, runNode } from './runNode';
import { credentialsFor, type Api } from './emailLabsWire';
import type { FakeServer } from './fakeServer';

export interface RunOptions {
	api: Api;
	server: FakeServer;
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
}

/** Runs the EmailLabs node in n8n's execution engine against the fake EmailLabs server. */
export async function runEmailLabs({ api, server, parameters, items, continueOnFail }: RunOptions) {
	return await runNode({
		nodeType: new EmailLabs(),
		credentialTypes: [new EmailLabsApi()],
		credentials: { emailLabsApi: credentialsFor(api, server) },
		parameters,
		items,
		continueOnFail,
	});
}

export async function loadOptions(api: Api, server: FakeServer, methodName: string, parameters: INodeParameters = {}) {
	return await runLoadOptions({
		nodeType: new EmailLabs(),
		credentialTypes: [new EmailLabsApi()],
		credentials: { emailLabsApi: credentialsFor(api, server) },
		parameters,
		methodName,
	});
}

export const jsonItems = (...rows: Array<Record<string, unknown>>): INodeExecutionData[] => rows.map((json) => ({ json: json as never }));

/** Email → Send Template with one recipient and a first-name variable per item: the send tests' and the benchmark's workload. */
export const sendTemplateParameters = {
	resource: 'email',
	operation: 'sendTemplate',
	smtpAccount: '1.acme.smtp',
	fromEmail: 'hello@acme.pl',
	toEmail: '={{ $json.email }}',
	subject: 'Welcome {{ firstName }}',
	templateId: 'tpl-42',
	variablesMode: 'keyValue',
	variablesUi: { variable: [{ name: 'firstName', value: '={{ $json.name }}' }] },
};
