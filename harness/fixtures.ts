/**
 * Tiny fixture node + credential used only by harness.test.ts to prove the harness works.
 * They follow the conventions of real community nodes (programmatic node, function authenticate).
 */
import type {
	IAuthenticate,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export class FixtureApi implements ICredentialType {
	name = 'fixtureApi';
	displayName = 'Fixture API';
	properties: INodeProperties[] = [
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://fixture.invalid' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	];

	authenticate: IAuthenticate = async (credentials, requestOptions: IHttpRequestOptions) => {
		const token = Buffer.from(`${credentials.user as string}:${credentials.password as string}`).toString('base64');
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Basic ${token}` },
		};
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '=/auth-check/{{$credentials.region}}', method: 'GET' },
		rules: [{ type: 'responseCode', properties: { value: 403, message: 'Account is blocked' } }],
	};
}

/** Same API, generic (declarative) authentication, to cover the other `authenticate` form. */
export class FixtureGenericApi implements ICredentialType {
	name = 'fixtureGenericApi';
	displayName = 'Fixture API (generic auth)';
	properties: INodeProperties[] = [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate: IAuthenticate = {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.token}}', Authorization: '={{ "Bearer " + $credentials.token.toUpperCase() }}' },
			qs: { region: 'eu' },
		},
	};
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/auth-check' },
		rules: [{ type: 'responseSuccessBody', properties: { key: 'status', value: 'blocked', message: 'Token blocked' } }],
	};
}

const description: INodeTypeDescription = {
	displayName: 'Fixture',
	name: 'fixture',
	group: ['transform'],
	version: [1, 2],
	defaultVersion: 2,
	description: 'Harness fixture node',
	defaults: { name: 'Fixture' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{ name: 'fixtureApi', required: true, displayOptions: { show: { authentication: ['basic'] } } },
		{ name: 'fixtureGenericApi', required: true, displayOptions: { show: { authentication: ['generic'] } } },
	],
	properties: [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Basic', value: 'basic' },
				{ name: 'Generic', value: 'generic' },
			],
			default: 'basic',
		},
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Echo', value: 'echo' },
				{ name: 'Fail', value: 'fail' },
				{ name: 'Probe', value: 'probe' },
			],
			default: 'echo',
		},
		{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		{ displayName: 'Binary Property', name: 'binaryPropertyName', type: 'string', default: '' },
		{ displayName: 'Fail Message', name: 'failMessage', type: 'string', default: 'fixture failure' },
		{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
		{
			displayName: 'Thing',
			name: 'thing',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getThings' },
			default: '',
		},
	],
};

export class Fixture implements INodeType {
	description = description;

	methods = {
		loadOptions: {
			async getThings(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const credentials = await this.getCredentials('fixtureApi');
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
					method: 'GET',
					url: `${credentials.baseUrl as string}/things`,
					json: true,
				})) as { data: Array<{ id: string; label: string }> };
				return response.data.map((t) => ({ name: t.label, value: t.id }));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const authentication = this.getNodeParameter('authentication', 0) as string;
		const credentialType = authentication === 'generic' ? 'fixtureGenericApi' : 'fixtureApi';
		const credentials = await this.getCredentials(credentialType);
		const baseUrl = credentials.baseUrl as string;

		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				if (operation === 'fail') {
					throw new NodeOperationError(this.getNode(), this.getNodeParameter('failMessage', i) as string, {
						itemIndex: i,
						description: 'thrown on purpose by the fixture',
					});
				}
				const path = this.getNodeParameter('path', i) as string;
				if (operation === 'probe') {
					const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method: 'GET',
						url: `${baseUrl}${path}`,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					})) as { statusCode: number; headers: IDataObject; body: unknown };
					out.push({
						json: {
							keys: Object.keys(response).sort(),
							statusCode: response.statusCode,
							contentType: response.headers['content-type'] as string,
							bodyType: Buffer.isBuffer(response.body) ? 'buffer' : typeof response.body,
							body: Buffer.isBuffer(response.body) ? response.body.toString('utf8') : (response.body as IDataObject),
						},
						pairedItem: { item: i },
					});
					continue;
				}

				const body: IDataObject = { name: this.getNodeParameter('name', i) as string, version: this.getNode().typeVersion };
				const binaryPropertyName = this.getNodeParameter('binaryPropertyName', i) as string;
				if (binaryPropertyName) {
					const meta = this.helpers.assertBinaryData(i, binaryPropertyName);
					const buffer = await this.helpers.getBinaryDataBuffer(i, binaryPropertyName);
					body.file = { base64: buffer.toString('base64'), fileName: meta.fileName, mimeType: meta.mimeType };
				}
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'POST',
					url: `${baseUrl}${path}`,
					body,
					json: true,
				})) as IDataObject;
				const executionData = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(response), {
					itemData: { item: i },
				});
				for (const entry of executionData) {
					if (items[i].binary) entry.binary = items[i].binary;
					out.push(entry);
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}
