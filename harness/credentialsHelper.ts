/**
 * In-memory stand-in for the n8n CLI's CredentialsHelper: serves decrypted credential data from a
 * map keyed by credential type name and applies credential types' `authenticate` the way n8n does.
 *
 * Behaviour mirrored from n8n:
 * - getDecrypted: credential-type defaults are filled in (including inherited `extends`
 *   properties), then `={{ … }}` expressions inside the data are resolved (against the current
 *   item when n8n passes expression context).
 * - authenticate: function form is awaited with (credentials, requestOptions); the generic form
 *   copies every `properties.{headers,qs,body,auth}` entry into the request, resolving `=`-prefixed
 *   keys and values as expressions with `$credentials` available (full n8n expression engine, so
 *   `={{ 'Bearer ' + $credentials.token }}` works); scalar properties (e.g. `url`) are set directly.
 * - preAuthentication: only for types with a `preAuthentication` function and an `expirable`
 *   hidden property; runs when that property is empty or n8n reports the token expired, and the
 *   result is stored back into the map (as updateCredentials would persist it).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	INodeType,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow, deepCopy } from 'n8n-workflow';
import { Credentials } from 'n8n-core';

const MOCK_NODE_TYPE = 'harness.credentialExpressionHost';

/** A throw-away one-node workflow, used to run n8n's expression engine outside an execution. */
export function expressionHostWorkflow(): { workflow: Workflow; node: INode } {
	const hostType: INodeType = {
		description: {
			displayName: 'Expression host',
			name: MOCK_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Expression host' },
			inputs: [],
			outputs: [],
			properties: [],
		},
	};
	const node: INode = {
		id: 'expression-host',
		name: 'Expression host',
		type: MOCK_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		id: 'harness-expression-host',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => hostType,
			getByNameAndVersion: () => hostType,
			getKnownTypes: () => ({}),
		},
	});
	return { workflow, node };
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();
	private readonly data = new Map<string, ICredentialDataDecryptedObject>();

	constructor(
		credentialTypes: ICredentialType[] = [],
		credentials: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
		for (const t of credentialTypes) this.types.set(t.name, t);
		for (const [type, value] of Object.entries(credentials)) this.data.set(type, deepCopy(value));
	}

	/** Current stored data of a credential type (reflects updateCredentials/preAuthentication). */
	getStored(type: string): ICredentialDataDecryptedObject | undefined {
		return this.data.get(type);
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType) as (ICredentialType & { restrictToSupportedNodes?: boolean }) | undefined;
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		const { authenticate } = type ?? {};
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, options);
		}
		if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			const host = workflow && node ? { workflow, node } : expressionHostWorkflow();
			const resolve = (value: unknown): unknown => {
				if (typeof value !== 'string' || !value.startsWith('=')) return value;
				return host.workflow.expression.getSimpleParameterValue(
					host.node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
			};
			const target = options as unknown as Record<string, unknown>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				if (outerValue === null || typeof outerValue !== 'object') {
					target[outerKey] = resolve(outerValue);
					continue;
				}
				const bucket = (target[outerKey] ??= {}) as Record<string, unknown>;
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					bucket[String(resolve(key))] = resolve(value);
				}
			}
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (typeof type?.preAuthentication !== 'function') return undefined;
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable) return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !credentialsExpired) {
			return undefined;
		}
		const output = await type.preAuthentication.call(helpers, credentials);
		const updated = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.data.set(typeName, { ...(this.data.get(typeName) ?? {}), ...output } as ICredentialDataDecryptedObject);
		return updated;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (typeof type?.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.requireData(type));
		return credentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = deepCopy(this.requireData(type));
		if (raw === true) return original;
		return this.applyDefaultsAndResolve(type, original, executeData, expressionResolveValues);
	}

	/** Defaults + expression resolution, as n8n applies them to stored credential data. */
	applyDefaultsAndResolve(
		type: string,
		original: ICredentialDataDecryptedObject,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as IDataObject as never,
			true,
			false,
			null,
			null,
		) ?? {}) as IDataObject;
		// keep values that are not declared as properties (e.g. tokens written by preAuthentication)
		for (const [key, value] of Object.entries(original)) {
			if (!(key in withDefaults)) withDefaults[key] = value as IDataObject[string];
		}

		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = expressionResolveValues;
			return workflow.expression.getParameterValue(
				withDefaults as never,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				'internal',
				{},
				executeData,
				false,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		}
		const host = expressionHostWorkflow();
		return host.workflow.expression.getComplexParameterValue(
			host.node,
			withDefaults as never,
			'internal',
			{},
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data.set(type, deepCopy(data));
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data.set(type, { ...(this.data.get(type) ?? {}), ...deepCopy(data) });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.get(type);
		if (!credentialType) return [];
		const merged = new Map<string, INodeProperties>();
		for (const parent of credentialType.extends ?? []) {
			for (const p of this.getCredentialsProperties(parent)) merged.set(p.name, p);
		}
		for (const p of credentialType.properties) merged.set(p.name, p);
		return [...merged.values()];
	}

	private requireData(type: string): ICredentialDataDecryptedObject {
		const stored = this.data.get(type);
		if (!stored) {
			throw new Error(
				`Test harness: no credential data for type "${type}" (pass it in the \`credentials\` option)`,
			);
		}
		return stored;
	}
}
