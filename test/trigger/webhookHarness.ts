/**
 * Drives the EmailLabs Trigger through n8n's real execution contexts: an n8n-core WebhookContext
 * (or HookContext for webhookMethods) over a real n8n-workflow Workflow, with a real HTTP request
 * and response on a loopback node:http server.
 *
 * The server does what n8n's HTTP layer does around a webhook node: read the raw body, set
 * `req.rawBody` and `req.body` like n8n's body parser (JSON parse failure = 422 before the node
 * runs), decorate the response with express' `status()/json()/send()`, call `webhook()` and then
 * answer as n8n's webhook helpers do for the returned value. Written from n8n's observable
 * behaviour; no n8n code is copied.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ExecutionLifecycleHooks, HookContext, InstanceSettings, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	resolveWebhookDescriptionField,
	sleep,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
} from 'n8n-workflow';

import { EmailLabsWebhookApi } from '../../credentials/EmailLabsWebhookApi.credentials';
import { EmailLabsTrigger } from '../../nodes/EmailLabsTrigger/EmailLabsTrigger.node';
import { HarnessCredentialsHelper } from '../../harness/credentialsHelper';
import { makeAdditionalData } from '../../harness/runNode';
import { readRequestLikeN8n, type ExpressLikeResponse } from './n8nRequest';

// n8n-core resolves its own copies of these packages; the harness must register into the same container.
const coreDir = dirname(require.resolve('n8n-core'));
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] })) as {
	Container: { set(token: unknown, value: unknown): void };
};
const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [coreDir] })) as { Logger: unknown };

export const NODE_TYPE = 'n8n-nodes-emaillabs.emailLabsTrigger';
export const CREDENTIAL_TYPE = 'emailLabsWebhookApi';
const WEBHOOK_ID = '5b0c6a0e-3c1f-4c55-9a51-7f2f1c0e2e01';
const BASE_URL = 'https://n8n.example.test';

export interface LogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
}

/** n8n-core reads the logger and instance settings from its DI container. */
class RecordingLogger {
	constructor(readonly entries: LogEntry[]) {}

	error(message: string) {
		this.entries.push({ level: 'error', message });
	}

	warn(message: string) {
		this.entries.push({ level: 'warn', message });
	}

	info(message: string) {
		this.entries.push({ level: 'info', message });
	}

	debug(message: string) {
		this.entries.push({ level: 'debug', message });
	}

	scoped() {
		return this;
	}
}

class TestNodeTypes implements INodeTypes {
	private readonly trigger = new EmailLabsTrigger();

	getByName(type: string): INodeType {
		if (type !== NODE_TYPE) throw new Error(`Unknown node type ${type}`);
		return this.trigger;
	}

	getByNameAndVersion(type: string): INodeType {
		return this.getByName(type);
	}

	getKnownTypes() {
		return {};
	}
}

export interface HarnessOptions {
	parameters?: INodeParameters;
	/**
	 * Credential data; null or omitted: the node has no credential selected; 'unavailable': the
	 * node references a credential that n8n fails to load (e.g. deleted).
	 */
	credential?: ICredentialDataDecryptedObject | null | 'unavailable';
	staticData?: IDataObject;
	/** Simulates a request whose raw body n8n did not keep (e.g. skipped by the body parser). */
	dropRawBody?: boolean;
	/**
	 * The node's typeVersion (default: the node's default version). As n8n does, from 1.1 on a body
	 * whose content type n8n cannot parse is left unread, with `req.readRawBody()` to read it.
	 */
	typeVersion?: number;
	/**
	 * false (default): every request sees the same static-data object and no execution runs.
	 * true: n8n's database and execution as measured in n8n 2.41 (regular mode): each request loads
	 * the static data from the stored JSON; a request that starts no execution saves it if webhook()
	 * changed it; one that starts an execution runs the trigger's execute() through n8n-core's
	 * WorkflowExecute on a fresh load and saves that execution's static data when it ends (last
	 * writer wins). The workflow is activated first (create()), as n8n does.
	 */
	persistStaticDataAsJson?: boolean;
	/** With persistStaticDataAsJson: milliseconds an execution takes between its load and its save. */
	executionMs?: () => number;
	/** With persistStaticDataAsJson: executions start with empty static data, as a queue-mode worker starts webhook executions. */
	executionsLikeQueueWorker?: boolean;
	/**
	 * Whether the run of these items fails (default: none). When the node answers after the run
	 * (response mode lastNode), a failed run is answered 500, as n8n does.
	 */
	runFails?: (items: INodeExecutionData[]) => boolean;
}

export interface PostOptions {
	body?: string | Buffer;
	/** Appended to the webhook URL, e.g. `?token=abc`. */
	query?: string;
	headers?: Record<string, string>;
	contentType?: string | null;
	/** Gives up waiting for the answer after this long, as EmailLabs does (~500 ms). */
	timeoutMs?: number;
}

export interface WebhookReply {
	status: number;
	text: string;
	json: unknown;
	/** Items of the execution this request started, if any. */
	execution: INodeExecutionData[] | undefined;
}

export class WebhookHarness {
	readonly logs: LogEntry[] = [];

	/** One entry per started execution: the items the trigger emitted. */
	readonly executions: INodeExecutionData[][] = [];

	/** Executions n8n would record as failed because webhook() threw. */
	readonly failedExecutions: unknown[] = [];

	/** Whether n8n would save the static data after the last request (its proxy marks changes). */
	lastStaticDataChanged = false;

	staticData: IDataObject;

	url = '';

	private parameters: INodeParameters;

	private credential: HarnessOptions['credential'];

	private readonly nodeTypes = new TestNodeTypes();

	private server: Server | undefined;

	/** One workflow id per harness; restart() takes another one, as a new n8n process meets the workflow anew. */
	private workflowId = `wf-${randomUUID()}`;

	/** The static data column of the emulated database (persistStaticDataAsJson). */
	private stored = '{}';

	private executionCount = 0;

	private constructor(private options: HarnessOptions) {
		this.parameters = options.parameters ?? {};
		this.credential = options.credential ?? null;
		this.staticData = options.staticData ?? {};
		const logger = new RecordingLogger(this.logs);
		Container.set(Logger, logger);
		Container.set(InstanceSettings, { instanceId: 'test-instance', hmacSignatureSecret: 'test', n8nFolder: join(tmpdir(), 'emaillabs-webhook-harness') });
	}

	static async start(options: HarnessOptions = {}): Promise<WebhookHarness> {
		const harness = new WebhookHarness(options);
		await harness.listen();
		if (options.persistStaticDataAsJson) {
			await harness.runWebhookMethod('create');
			harness.stored = JSON.stringify(harness.staticData);
		}
		return harness;
	}

	/**
	 * What a new n8n process sees: the stored static data, and no memory of earlier requests
	 * (the trigger's in-process memory is keyed by workflow, so a new workflow id stands for it).
	 */
	restart(): void {
		this.workflowId = `wf-${randomUUID()}`;
	}

	/** The stored static data (persistStaticDataAsJson), parsed. */
	get storedStaticData(): IDataObject {
		return JSON.parse(this.stored) as IDataObject;
	}

	/** Changes node parameters or the credential; static data is kept, as between two n8n requests. */
	configure(options: Omit<HarnessOptions, 'staticData'>): void {
		if (options.parameters !== undefined) this.parameters = options.parameters;
		if (options.credential !== undefined) this.credential = options.credential;
		this.options = { ...this.options, ...options };
	}

	async post(options: PostOptions = {}): Promise<WebhookReply> {
		const executionsBefore = this.executions.length;
		const headers: Record<string, string> = { ...options.headers };
		if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
		const response = await fetch(`${this.url}${options.query ?? ''}`, {
			method: 'POST',
			headers,
			body: options.body ?? '',
			signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
		});
		const text = await response.text();
		let json: unknown;
		try {
			json = text === '' ? undefined : JSON.parse(text);
		} catch {
			json = undefined;
		}
		return {
			status: response.status,
			text,
			json,
			execution: this.executions.length > executionsBefore ? this.executions[this.executions.length - 1] : undefined,
		};
	}

	/** Runs one of the node's webhookMethods through n8n-core's HookContext. */
	async runWebhookMethod(
		method: 'checkExists' | 'create' | 'delete',
		activation: WorkflowActivateMode = 'activate',
	): Promise<boolean> {
		const workflow = this.createWorkflow();
		const node = workflow.getNode('EmailLabs Trigger') as INode;
		const additionalData = this.additionalData();
		const webhookData = this.webhookData(workflow, additionalData, activation === 'manual');
		const mode = activation === 'manual' ? 'manual' : 'trigger';
		const context = new HookContext(workflow, node, additionalData, mode, activation, webhookData);
		const trigger = this.nodeTypes.getByName(NODE_TYPE);
		const result = await trigger.webhookMethods!.default![method].call(context);
		this.staticData = workflow.staticData;
		return result;
	}

	get productionUrl(): string {
		return `${BASE_URL}/webhook/${WEBHOOK_ID}/webhook`;
	}

	get testUrl(): string {
		return `${BASE_URL}/webhook-test/${WEBHOOK_ID}/webhook`;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	private async listen(): Promise<void> {
		this.server = createServer((req, res) => {
			void this.handle(req, res);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}/webhook/${WEBHOOK_ID}/webhook`;
	}

	private createWorkflow(staticData: IDataObject = this.staticData): Workflow {
		const node: INode = {
			id: 'b7e1b3f0-0000-4000-8000-000000000001',
			name: 'EmailLabs Trigger',
			type: NODE_TYPE,
			typeVersion: this.typeVersion,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: structuredClone(this.parameters),
			...(this.credential !== null && this.credential !== undefined
				? { credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'EmailLabs webhook' } } }
				: {}),
		};
		return new Workflow({
			id: this.workflowId,
			name: 'EmailLabs events',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: this.nodeTypes,
			staticData,
		});
	}

	private additionalData(request?: IncomingMessage, response?: ServerResponse): IWorkflowExecuteAdditionalData {
		return {
			// The credential as configured for this request, through the shared test credentials helper.
			credentialsHelper: new HarnessCredentialsHelper(
				[new EmailLabsWebhookApi()],
				typeof this.credential === 'object' && this.credential !== null ? { [CREDENTIAL_TYPE]: this.credential } : {},
			),
			webhookBaseUrl: `${BASE_URL}/webhook`,
			webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
			webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
			formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
			restApiUrl: `${BASE_URL}/rest`,
			instanceBaseUrl: BASE_URL,
			variables: {},
			httpRequest: request,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	private webhookData(
		workflow: Workflow,
		additionalData: IWorkflowExecuteAdditionalData,
		isTest: boolean,
	): IWebhookData {
		const description = this.nodeTypes.getByName(NODE_TYPE).description.webhooks![0];
		return {
			httpMethod: 'POST',
			node: 'EmailLabs Trigger',
			path: `${WEBHOOK_ID}/webhook`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: WEBHOOK_ID,
			isTest,
		};
	}

	/** The execution a webhook starts, as n8n runs it: static data loaded afresh, saved whole at the end. */
	private async runExecution(items: INodeExecutionData[]): Promise<void> {
		const workflow = this.createWorkflow(this.options.executionsLikeQueueWorker ? {} : (JSON.parse(this.stored) as IDataObject));
		const node = workflow.getNode('EmailLabs Trigger') as INode;
		const executionId = `harness-webhook-${++this.executionCount}`;
		const hooks = new ExecutionLifecycleHooks('webhook', executionId, {
			id: workflow.id,
			name: workflow.name,
			active: true,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: [node],
			connections: {},
			activeVersionId: null,
		} as IWorkflowBase);
		const additionalData = makeAdditionalData(this.additionalData().credentialsHelper as HarnessCredentialsHelper, executionId, hooks);
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: [items] }, source: null }] },
		});
		const run = await new WorkflowExecute(additionalData, 'webhook', runExecutionData).processRunExecutionData(workflow);
		if (run.data.resultData.error) this.failedExecutions.push(run.data.resultData.error);
		const delay = this.options.executionMs?.() ?? 0;
		if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
		if ((workflow.staticData as { __dataChanged?: boolean }).__dataChanged === true) this.stored = JSON.stringify(workflow.staticData);
		this.staticData = this.storedStaticData;
	}

	private get typeVersion(): number {
		return this.options.typeVersion ?? (this.nodeTypes.getByName(NODE_TYPE).description.defaultVersion as number);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const request = await readRequestLikeN8n(req, res, { typeVersion: this.typeVersion, dropRawBody: this.options.dropRawBody === true });
		if (request === undefined) return;
		const reply = res as ExpressLikeResponse;

		const database = this.options.persistStaticDataAsJson === true;
		const workflow = this.createWorkflow(database ? (JSON.parse(this.stored) as IDataObject) : this.staticData);
		const node = workflow.getNode('EmailLabs Trigger') as INode;
		const additionalData = this.additionalData(req, res);
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			this.webhookData(workflow, additionalData, false),
			[],
			null,
		);

		let result: IWebhookResponseData;
		try {
			result = await this.nodeTypes.getByName(NODE_TYPE).webhook!.call(context);
		} catch (error) {
			this.failedExecutions.push(error);
			reply.status(500).json({ code: 500, message: 'Error in workflow' });
			return;
		}
		this.lastStaticDataChanged = (workflow.staticData as { __dataChanged?: boolean }).__dataChanged === true;
		if (database && this.lastStaticDataChanged && result.workflowData === undefined) {
			this.stored = JSON.stringify(workflow.staticData);
		}
		if (database) this.staticData = this.storedStaticData;

		if (result.noWebhookResponse === true) {
			if (!res.writableEnded) {
				// A node that claims to have answered but did not would leave the caller hanging.
				reply.status(599).json({ harness: 'webhook() returned noWebhookResponse without answering' });
			}
			return;
		}
		if (result.workflowData === undefined) {
			reply.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		const items = result.workflowData[0];
		this.executions.push(items);
		const description = this.webhookData(workflow, additionalData, false).webhookDescription;
		const responseMode = resolveWebhookDescriptionField(node, description, 'responseMode');
		if (responseMode.resolved && responseMode.value === 'lastNode') {
			if (database) await this.runExecution(items);
			else await sleep(this.options.executionMs?.() ?? 0);
			reply.status(this.options.runFails?.(items) === true ? 500 : 200).end();
			return;
		}
		if (database) await this.runExecution(items);
		const responseData = description.responseData;
		if (responseData === 'noData') reply.status(200).end();
		else reply.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
	}
}

export const uniqueRequestId = (): string => randomUUID();
