/**
 * Runs nodes of this package through n8n's REAL execution engine (n8n-core's WorkflowExecute,
 * ExecuteContext, LoadOptionsContext, RoutingNode and request helpers). HTTP really goes out
 * (use FakeServer from ./fakeServer on 127.0.0.1).
 *
 * Exported API
 *   runNode(opts: RunNodeOptions): Promise<RunNodeResult>
 *     Builds the workflow  "Input" (harness.itemsSource, emits opts.items) → <node under test>
 *     and runs it with `new WorkflowExecute(additionalData, mode, runExecutionData)
 *     .processRunExecutionData(workflow)`. Parameters get n8n's defaults filled in by `Workflow`,
 *     and n8n's parameter-issue check runs first: a missing required parameter makes runNode
 *     REJECT with WorkflowHasIssuesError (the workflow would not start in n8n either).
 *     `items: []` means the node under test is NOT executed (n8n skips nodes without input):
 *     result.items is [] and runData has no entry for it.
 *   binaryItem(json, { data: { buffer, fileName, mimeType } }): INodeExecutionData
 *     Input item whose files are stored by the Input node via n8n's prepareBinaryData.
 *     (Adaptation: there is no separate `binary` option on RunNodeOptions — use binaryItem, or
 *     put ready-made IBinaryData (base64 `data`) on items yourself.)
 *   readBinary(binaryData: IBinaryData): Promise<Buffer>   bytes of an output binary entry.
 *   runLoadOptions(opts: LoadOptionsRunOptions): Promise<INodePropertyOptions[]>
 *   runListSearch(opts: ListSearchRunOptions): Promise<INodeListSearchResult>
 *   runCredentialTest(opts: CredentialTestRunOptions): Promise<{ status: 'OK' | 'Error'; message: string }>
 *   HarnessCredentialsHelper (./credentialsHelper), ensureN8nEnvironment (./environment).
 *
 * Additions to the brief's API (all optional): RunNodeOptions.node (extra INode settings such as
 * name, retryOnFail, alwaysOutputData, onError, executeOnce), RunNodeOptions.mode (default
 * 'manual'), RunNodeOptions.workflowSettings; RunNodeResult.outputs (all main outputs),
 * RunNodeResult.run (the full IRun), RunNodeResult.nodeName, RunNodeResult.credentialsHelper
 * (to inspect credentials updated by preAuthentication).
 *
 * About `RunNodeResult.error`: it is what n8n stores in the run data (`taskData.error`), i.e. the
 * SERIALISED error `{ ...error, message, stack }` — a plain object, so `instanceof NodeApiError`
 * is false. Its own fields survive: `name` ('NodeApiError' / 'NodeOperationError'), `message`,
 * `description`, `httpCode`, `context` (e.g. itemIndex), `node`, `level`…
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, Workflow, createRunExecutionData } from 'n8n-workflow';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, LoadOptionsContext, WorkflowExecute } from 'n8n-core';

import { HarnessCredentialsHelper } from './credentialsHelper';
import { ensureN8nEnvironment, readBinary } from './environment';
import { ITEMS_SOURCE_TYPE, ItemsSource, binaryItem } from './itemsSource';

export { binaryItem, readBinary, HarnessCredentialsHelper, ensureN8nEnvironment };
export type { BinaryFileSpec } from './itemsSource';

export type AnyNodeType = INodeType | IVersionedNodeType;

export interface RunNodeOptions {
	/** instance of the class under test, e.g. new EmailLabs() */
	nodeType: AnyNodeType;
	/** instances, e.g. [new EmailLabsApi()] */
	credentialTypes?: ICredentialType[];
	/** decrypted data by credential type name, e.g. { emailLabsApi: {...} } */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** node parameters; expressions like '={{ $json.email }}' are evaluated by n8n */
	parameters: INodeParameters;
	/** items fed into the node (default: one empty item); see binaryItem() for files */
	items?: INodeExecutionData[];
	/** node setting onError: 'continueRegularOutput' */
	continueOnFail?: boolean;
	/** default: description.defaultVersion, else the highest version */
	typeVersion?: number;
	/** extra INode fields (name, onError, retryOnFail, alwaysOutputData, executeOnce, …) */
	node?: Partial<Omit<INode, 'type' | 'typeVersion' | 'parameters' | 'credentials'>>;
	/** default 'manual' */
	mode?: WorkflowExecuteMode;
	/** default { executionOrder: 'v1' } */
	workflowSettings?: IWorkflowSettings;
}

/**
 * A node error as n8n stores it in run data: the serialised `{ ...error, message, stack }` of the
 * NodeApiError / NodeOperationError (a plain object — `instanceof` does not work; use `name`).
 */
export interface RecordedNodeError extends Error {
	description?: string | null;
	httpCode?: string | null;
	context?: IDataObject;
	node?: INode;
	level?: string;
	messages?: string[];
	[key: string]: unknown;
}

export interface RunNodeResult {
	/** main output 0 of the node under test ([] when it produced nothing) */
	items: INodeExecutionData[];
	/** every main output of the node under test (continueErrorOutput → outputs[1]) */
	outputs: INodeExecutionData[][];
	/** the node's error as n8n recorded it (serialised; see file header) */
	error?: RecordedNodeError;
	runData: IRunData;
	run: IRun;
	nodeName: string;
	credentialsHelper: HarnessCredentialsHelper;
}

const INSTANCE_URL = 'http://localhost:5678';
let executionCounter = 0;

/** Node types known to one harness workflow. Versioned types are resolved like n8n does. */
export function makeNodeTypes(types: Record<string, AnyNodeType>): INodeTypes {
	return {
		getByName: (name) => {
			const t = types[name];
			if (!t) throw new Error(`Test harness: unknown node type "${name}"`);
			return t;
		},
		getByNameAndVersion: (name, version) => {
			const t = types[name];
			if (!t) throw new Error(`Test harness: unknown node type "${name}"`);
			return NodeHelpers.getVersionedNodeType(t, version);
		},
		getKnownTypes: () => ({}),
	};
}

/** Description of the type (for versioned types: of the default version). */
function descriptionOf(nodeType: AnyNodeType, typeVersion?: number): INodeTypeDescription {
	return NodeHelpers.getVersionedNodeType(nodeType, typeVersion ?? defaultVersion(nodeType)).description;
}

function defaultVersion(nodeType: AnyNodeType): number {
	const d = nodeType.description as { defaultVersion?: number; version?: number | number[] };
	if ('nodeVersions' in nodeType) return d.defaultVersion ?? nodeType.currentVersion;
	if (d.defaultVersion !== undefined) return d.defaultVersion;
	return Array.isArray(d.version) ? Math.max(...d.version) : (d.version ?? 1);
}

function credentialRefs(credentials?: Record<string, ICredentialDataDecryptedObject>): INodeCredentials | undefined {
	const names = Object.keys(credentials ?? {});
	if (names.length === 0) return undefined;
	const refs: INodeCredentials = {};
	names.forEach((name, i) => (refs[name] = { id: String(i + 1), name: 'test' }));
	return refs;
}

/** The additionalData n8n's CLI would build, reduced to what a single node run needs. */
export function makeAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	executionId: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async (): Promise<never> => {
		throw new Error(`Test harness: ${what} is not available`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		// URLs are only used to build $execution.resumeUrl & co; nothing listens there.
		restApiUrl: `${INSTANCE_URL}/rest`,
		instanceBaseUrl: `${INSTANCE_URL}/`,
		formBaseUrl: `${INSTANCE_URL}/form`,
		formWaitingBaseUrl: `${INSTANCE_URL}/form-waiting`,
		formTestBaseUrl: `${INSTANCE_URL}/form-test`,
		webhookBaseUrl: `${INSTANCE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_URL}/webhook-test`,
		mcpBaseUrl: `${INSTANCE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_URL}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: notAvailable('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: notAvailable('startRunnerTask (Code node task runners)'),
		// no external secrets provider: `$secrets` is empty
		externalSecretsProxy: new ExternalSecretsProxy(),
	} as IWorkflowExecuteAdditionalData;
}

function workflowBase(id: string, nodes: INode[], connections: IWorkflowBase['connections']): IWorkflowBase {
	const now = new Date();
	return {
		id,
		name: `harness ${id}`,
		active: false,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		activeVersionId: null,
	};
}

/** Runs `opts.nodeType` once, fed by `opts.items`, through n8n's WorkflowExecute. */
export async function runNode(opts: RunNodeOptions): Promise<RunNodeResult> {
	await ensureN8nEnvironment();

	const typeVersion = opts.typeVersion ?? defaultVersion(opts.nodeType);
	const description = descriptionOf(opts.nodeType, typeVersion);
	const typeName = opts.nodeType.description.name;
	const nodeName = opts.node?.name ?? description.defaults?.name ?? description.displayName;
	const inputName = nodeName === 'Input' ? 'Harness Input' : 'Input';
	const executionId = `harness-${process.pid}-${++executionCounter}`;

	const credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, opts.credentials);
	const nodeTypes = makeNodeTypes({
		[ITEMS_SOURCE_TYPE]: new ItemsSource(opts.items ?? [{ json: {} }]),
		[typeName]: opts.nodeType,
	});

	const inputNode: INode = {
		id: 'harness-input',
		name: inputName,
		type: ITEMS_SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodeUnderTest: INode = {
		id: 'node-under-test',
		position: [250, 0],
		...opts.node,
		name: nodeName,
		type: typeName,
		typeVersion,
		parameters: structuredClone(opts.parameters),
		credentials: credentialRefs(opts.credentials),
	};
	if (opts.continueOnFail) nodeUnderTest.onError = 'continueRegularOutput';

	const connections = {
		[inputName]: { main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...opts.workflowSettings };
	const workflowId = `wf-${executionId}`;
	const workflow = new Workflow({
		id: workflowId,
		name: `harness ${nodeName}`,
		nodes: [inputNode, nodeUnderTest],
		connections,
		active: false,
		nodeTypes,
		settings,
	});

	const mode = opts.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		...workflowBase(workflowId, [inputNode, nodeUnderTest], connections),
		settings,
	});
	const additionalData = makeAdditionalData(credentialsHelper, executionId, hooks);

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: workflow.getNode(inputName)!, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);

	const runData = run.data.resultData.runData;
	const task = runData[nodeName]?.[0];
	const outputs = (task?.data?.[NodeConnectionTypes.Main] ?? []).map((o) => o ?? []);
	const error = (task?.error ?? run.data.resultData.error) as RecordedNodeError | undefined;
	return { items: outputs[0] ?? [], outputs, error, runData, run, nodeName, credentialsHelper };
}

interface MethodRunOptions {
	nodeType: AnyNodeType;
	credentialTypes?: ICredentialType[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** current (unsaved) node parameters as the editor would send them */
	parameters?: INodeParameters;
	methodName: string;
	typeVersion?: number;
	/** path of the parameter being loaded, e.g. 'parameters.templateId' (default: parameters.<methodName>) */
	path?: string;
}

export type LoadOptionsRunOptions = MethodRunOptions;
export interface ListSearchRunOptions extends MethodRunOptions {
	filter?: string;
	paginationToken?: string;
}

/** Builds the one-node workflow + LoadOptionsContext n8n uses for dynamic parameter requests. */
async function loadOptionsContext(opts: MethodRunOptions): Promise<LoadOptionsContext> {
	await ensureN8nEnvironment();
	const typeVersion = opts.typeVersion ?? defaultVersion(opts.nodeType);
	const description = descriptionOf(opts.nodeType, typeVersion);
	const node: INode = {
		id: 'node-under-test',
		name: description.defaults?.name ?? description.displayName,
		type: opts.nodeType.description.name,
		typeVersion,
		position: [0, 0],
		parameters: structuredClone(opts.parameters ?? {}),
		credentials: credentialRefs(opts.credentials),
	};
	const workflow = new Workflow({
		id: 'wf-load-options',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: makeNodeTypes({ [opts.nodeType.description.name]: opts.nodeType }),
	});
	const credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, opts.credentials);
	const additionalData = makeAdditionalData(credentialsHelper, `harness-${process.pid}-${++executionCounter}`);
	additionalData.currentNodeParameters = workflow.getNode(node.name)!.parameters;
	return new LoadOptionsContext(workflow, workflow.getNode(node.name)!, additionalData, opts.path ?? `parameters.${opts.methodName}`);
}

function concreteType(nodeType: AnyNodeType, typeVersion?: number): INodeType {
	return NodeHelpers.getVersionedNodeType(nodeType, typeVersion ?? defaultVersion(nodeType));
}

/** Calls `nodeType.methods.loadOptions[methodName]` with n8n's real LoadOptionsContext. */
export async function runLoadOptions(opts: LoadOptionsRunOptions): Promise<INodePropertyOptions[]> {
	const method = concreteType(opts.nodeType, opts.typeVersion).methods?.loadOptions?.[opts.methodName];
	if (!method) throw new Error(`Test harness: node has no loadOptions method "${opts.methodName}"`);
	const context = await loadOptionsContext(opts);
	return await method.call(context);
}

/** Calls `nodeType.methods.listSearch[methodName]` with n8n's real LoadOptionsContext. */
export async function runListSearch(opts: ListSearchRunOptions): Promise<INodeListSearchResult> {
	const method = concreteType(opts.nodeType, opts.typeVersion).methods?.listSearch?.[opts.methodName];
	if (!method) throw new Error(`Test harness: node has no listSearch method "${opts.methodName}"`);
	const context = await loadOptionsContext(opts);
	return await method.call(context, opts.filter, opts.paginationToken);
}

export interface CredentialTestRunOptions {
	credentialType: ICredentialType;
	data: ICredentialDataDecryptedObject;
	/** parent credential types when `credentialType.extends` is used */
	credentialTypes?: ICredentialType[];
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

type ErrorWithCause = Error & {
	cause?: { response?: { status?: number; statusText?: string }; code?: string; status?: number };
	httpCode?: string | null;
};

/**
 * Runs a credential type's declarative `test` the way the n8n editor's "Test" button does: a
 * throw-away declarative node whose only property routes `test.request` is executed by n8n's
 * RoutingNode (so `={{$credentials.x}}` in baseURL/url resolve and the credential's
 * `authenticate` is applied by httpRequestWithAuthentication). Outcome mapping follows n8n:
 * a `responseCode` rule matching the error status gives its message; any other non-2xx gives the
 * status text (or "Received HTTP status code: N"); network errors give their code (ECONNREFUSED…);
 * on success a `responseSuccessBody` rule whose `key` has `value` gives Error with its message;
 * otherwise OK "Connection successful!".
 */
export async function runCredentialTest(opts: CredentialTestRunOptions): Promise<CredentialTestResult> {
	await ensureN8nEnvironment();
	const { credentialType, data } = opts;
	const test = credentialType.test;
	if (!test) throw new Error(`Test harness: credential type "${credentialType.name}" has no declarative test`);

	const testTypeName = 'harness.credentialTest';
	const testNodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: testTypeName,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Credential test' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } },
			],
		},
	};
	const node: INode = {
		id: 'credential-test',
		name: 'Credential test',
		type: testTypeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: '1', name: 'test' } },
	};
	const workflow = new Workflow({
		id: 'wf-credential-test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: makeNodeTypes({ [testTypeName]: testNodeType }),
	});
	const credentialsHelper = new HarnessCredentialsHelper([credentialType, ...(opts.credentialTypes ?? [])], {
		[credentialType.name]: data,
	});
	const executionId = `harness-${process.pid}-${++executionCounter}`;
	const additionalData = makeAdditionalData(credentialsHelper, executionId);
	const executeData: IExecuteData = {
		node: workflow.getNode(node.name)!,
		data: { main: [[{ json: {} }]] },
		source: null,
	};
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack: [executeData] } });

	let response: INodeExecutionData[][] | null | undefined;
	try {
		const result = await new WorkflowExecute(additionalData, 'internal').runNode(
			workflow,
			executeData,
			runExecutionData,
			0,
			additionalData,
			'internal',
		);
		response = 'data' in result ? result.data : undefined;
	} catch (caught) {
		const error = caught as ErrorWithCause;
		const status = error.cause?.response?.status;
		if (status !== undefined) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 200 || status > 299) {
				return {
					status: 'Error',
					message: error.cause?.response?.statusText || `Received HTTP status code: ${status}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	const json = response?.[0]?.[0]?.json ?? {};
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const value = rule.properties.key
				.split('.')
				.reduce<unknown>((acc, key) => (acc === null || acc === undefined ? undefined : (acc as Record<string, unknown>)[key]), json);
			if (value === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
