/**
 * Runs a POLLING node of this package the way n8n does, with n8n-core's real pieces:
 *
 *   - active polls: a real `PollContext` (mode 'trigger', activation 'activate') handed to n8n-core's
 *     `PollTriggerExecutor` (taken from n8n-core's DI container), which calls `poll()` through
 *     `TriggersAndPollers`, then `__emit(items)`, or commits the cursor when the poll returned null,
 *     or reports the error through `__emitError`, exactly as for an active workflow;
 *   - manual polls ("Fetch Test Event"): `WorkflowExecute` with the poll node as start node (n8n-core
 *     then builds `new PollContext(workflow, node, additionalData, 'manual', 'manual')` itself).
 *
 * One `PollHarness` is one workflow: its `Workflow` object keeps the static data between polls like
 * an n8n process does. `restart()` replaces it by a new `Workflow` loaded from the JSON n8n would
 * have saved (so live views with toJSON() are packed as in a real save), like a restarted n8n.
 * Credentials go through the harness's `HarnessCredentialsHelper` (real credential `authenticate`).
 *
 *   const harness = new PollHarness({ nodeType: new EmailLabsCatchUpTrigger(), credentialTypes: [new EmailLabsApi()],
 *     credentials: { emailLabsApi: {...} }, parameters: { events: ['hardBounce'] } });
 *   const { items, error } = await harness.poll();
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';
import { ExecutionLifecycleHooks, PollContext, PollTriggerExecutor, WorkflowExecute } from 'n8n-core';

import { HarnessCredentialsHelper } from './credentialsHelper';
import { ensureN8nEnvironment } from './environment';
import { makeAdditionalData, makeNodeTypes, type RecordedNodeError } from './runNode';

export interface PollHarnessOptions {
	nodeType: INodeType;
	credentialTypes?: ICredentialType[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	parameters: INodeParameters;
	typeVersion?: number;
	/** Default: a new id per harness (the de-duplication memory is per workflow id and mode). */
	workflowId?: string;
	/** The workflow's time zone (Start From without a zone is read in it). Default UTC. */
	timezone?: string;
	/** Static data as n8n loaded it from its database. */
	staticData?: IDataObject;
}

export interface PollOutcome {
	/** The items handed to n8n: emitted by an active poll, or the node's output in a manual run. null: none. */
	items: INodeExecutionData[] | null;
	/** Active poll: what n8n got through `__emitError`. Manual run: the node error as n8n recorded it. */
	error?: Error | RecordedNodeError;
	/** Active poll that returned null: n8n committed the staged cursor. */
	cursorCommitted: boolean;
}

let harnessCounter = 0;

function nodeName(nodeType: INodeType): string {
	return nodeType.description.defaults?.name ?? nodeType.description.displayName;
}

export class PollHarness {
	workflow!: Workflow;

	readonly node: INode;

	readonly credentialsHelper: HarnessCredentialsHelper;

	private executions = 0;

	constructor(private readonly opts: PollHarnessOptions) {
		this.credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, opts.credentials);
		const credentials = Object.fromEntries(Object.keys(opts.credentials ?? {}).map((type, i) => [type, { id: String(i + 1), name: 'test' }]));
		this.node = {
			id: 'poll-node',
			name: nodeName(opts.nodeType),
			type: opts.nodeType.description.name,
			typeVersion: opts.typeVersion ?? (Array.isArray(opts.nodeType.description.version) ? Math.max(...opts.nodeType.description.version) : opts.nodeType.description.version),
			position: [0, 0],
			parameters: structuredClone(opts.parameters),
			...(Object.keys(credentials).length ? { credentials } : {}),
		};
		this.load(opts.staticData);
	}

	get workflowId(): string {
		return this.workflow.id;
	}

	/** The node's static data as the poll sees it (`getWorkflowStaticData('node')`). */
	get nodeStaticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** The workflow's static data (`getWorkflowStaticData('global')`). */
	get globalStaticData(): IDataObject {
		return this.workflow.getStaticData('global');
	}

	/** The static data as n8n would save it (JSON, live views packed). */
	savedStaticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	/** A restarted n8n: a new Workflow object loaded from the saved static data. */
	restart(): void {
		this.load(this.savedStaticData());
	}

	/** Changes node parameters (as a user editing the workflow would). */
	setParameters(parameters: INodeParameters): void {
		this.node.parameters = structuredClone(parameters);
		this.load(this.savedStaticData());
	}

	/** One poll of the active workflow, through n8n-core's PollTriggerExecutor. */
	async poll(): Promise<PollOutcome> {
		const Container = await ensureN8nEnvironment();
		const outcome: PollOutcome = { items: null, cursorCommitted: false };
		const node = this.workflow.getNode(this.node.name)!;
		const context = new PollContext(
			this.workflow,
			node,
			this.additionalData(),
			'trigger',
			'activate',
			(data) => {
				outcome.items = data[0] ?? [];
			},
			(error) => {
				outcome.error = error;
			},
			async () => {
				outcome.cursorCommitted = true;
			},
		);
		const executor = Container.get(PollTriggerExecutor);
		await executor.create(this.workflow, node, context, () => true)(false);
		return outcome;
	}

	/** "Fetch Test Event": a manual execution of the workflow from the poll node, through WorkflowExecute. */
	async manual(): Promise<PollOutcome> {
		await ensureN8nEnvironment();
		const executionId = `poll-harness-manual-${++this.executions}`;
		const node = this.workflow.getNode(this.node.name)!;
		const hooks = new ExecutionLifecycleHooks('manual', executionId, {
			id: this.workflow.id,
			name: this.workflow.name ?? 'poll harness',
			active: false,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: [node],
			connections: {},
			activeVersionId: null,
		});
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }] },
		});
		const run = await new WorkflowExecute(makeAdditionalData(this.credentialsHelper, executionId, hooks), 'manual', runExecutionData).processRunExecutionData(this.workflow);
		const task = run.data.resultData.runData[node.name]?.[0];
		const items = task?.data?.[NodeConnectionTypes.Main]?.[0] ?? null;
		const error = (task?.error ?? run.data.resultData.error) as RecordedNodeError | undefined;
		return { items, cursorCommitted: false, ...(error ? { error } : {}) };
	}

	private additionalData(): IWorkflowExecuteAdditionalData {
		return makeAdditionalData(this.credentialsHelper, `poll-harness-${++this.executions}`);
	}

	private load(staticData: IDataObject | undefined): void {
		const id = this.workflow?.id ?? this.opts.workflowId ?? `poll-harness-${process.pid}-${++harnessCounter}`;
		this.workflow = new Workflow({
			id,
			name: `poll harness ${this.node.name}`,
			nodes: [structuredClone(this.node)],
			connections: {},
			active: true,
			nodeTypes: makeNodeTypes({ [this.opts.nodeType.description.name]: this.opts.nodeType }),
			staticData: staticData ? structuredClone(staticData) : undefined,
			settings: { executionOrder: 'v1', timezone: this.opts.timezone ?? 'UTC' },
		});
	}
}
