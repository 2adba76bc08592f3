import {
	fromParameter,
	NodeConnectionTypes,
	NodeOperationError,
	webhookDescriptionFields,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { triggerPanel, triggerProperties } from './description';
import { checkWebhookCredential, secretsFromCredential, WEBHOOK_CREDENTIAL_TYPE } from './pipeline/credential';
import { processWebhookRequest, recordSeenEvents, type Outcome } from './pipeline/processRequest';
import { seenMemoryFor, STORED_LISTS } from './pipeline/seenMemory';
import { readNodeSettings, RESPOND_AT_ONCE } from './pipeline/settings';

/** Where create() records the URL that was handed to the user, in the node's static data. */
const REGISTRATION_KEY = 'webhookRegistration';

interface JsonResponse {
	status(code: number): JsonResponse;
	json(body: unknown): unknown;
	statusCode: number;
	end: (...args: unknown[]) => unknown;
}

type NodeContext = IExecuteFunctions | IWebhookFunctions;

/** The de-duplication memory of this trigger node (see seenMemory.ts). */
function memoryOf(context: NodeContext, staticData: IDataObject, workflowData: IDataObject) {
	const scope = { workflowId: context.getWorkflow().id, nodeId: context.getNode().id, manual: context.getMode() === 'manual' };
	return seenMemoryFor(scope, staticData, workflowData);
}

/**
 * False in an execution that n8n started without the workflow's stored static data (a queue-mode
 * worker does that for webhook executions): saving it would replace what is stored with nothing.
 */
function holdsStoredState(staticData: IDataObject, workflowData: IDataObject): boolean {
	return (
		staticData[REGISTRATION_KEY] !== undefined ||
		[STORED_LISTS.requestIds, STORED_LISTS.requestBodies, STORED_LISTS.nodeEventKeys].some((key) => staticData[key] !== undefined) ||
		workflowData[STORED_LISTS.workflowEventKeys] !== undefined
	);
}

/**
 * Calls `settle` with the status n8n answers with, when it answers: also when the client (EmailLabs
 * waits about 500 ms) has already gone, which the response's own events do not report.
 */
function onAnswer(response: JsonResponse, settle: (status: number) => void): void {
	const end = response.end;
	let settled = false;
	response.end = function (this: unknown, ...args: unknown[]) {
		if (!settled) {
			settled = true;
			settle(response.statusCode);
		}
		return end.apply(this, args);
	};
}

/**
 * The response mode follows the Respond parameter. n8n resolves a field declared this way from the
 * parameters without its expression engine (which costs an isolate per request); n8n versions
 * without these helpers evaluate the template instead.
 */
const respondMode =
	typeof webhookDescriptionFields === 'function' && typeof fromParameter === 'function'
		? webhookDescriptionFields({ responseMode: fromParameter('respond', RESPOND_AT_ONCE) })
		: { responseMode: `={{$parameter["respond"] || "${RESPOND_AT_ONCE}"}}` };

/** The `token` query parameter, as n8n parsed the query string. */
function queryToken(query: unknown): string | undefined {
	const value = (query as IDataObject | undefined)?.token;
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first : undefined;
}

/** Whether the selected credential asks for a URL token; false when it cannot be read. */
async function hasUrlToken(context: IHookFunctions): Promise<boolean> {
	if (context.getNode().credentials?.[WEBHOOK_CREDENTIAL_TYPE] === undefined) return false;
	try {
		return secretsFromCredential(await context.getCredentials<ICredentialDataDecryptedObject>(WEBHOOK_CREDENTIAL_TYPE)).urlToken !== undefined;
	} catch {
		return false;
	}
}

function respond(response: JsonResponse, status: number, body: IDataObject): IWebhookResponseData {
	response.status(status).json(body);
	return { noWebhookResponse: true };
}

function describeOutcome(outcome: Outcome): string {
	const { stats } = outcome;
	const detail =
		outcome.action === 'reject'
			? `rejected ${outcome.status} ${outcome.code}`
			: outcome.action === 'acknowledge'
				? `acknowledged (${outcome.reason})`
				: `running ${outcome.items.length} item(s)`;
	return (
		`EmailLabs Trigger: ${detail}; format=${stats.format ?? 'unknown'}, verified by=${stats.verifiedBy.join('+') || 'nothing'}, ` +
		`requestId=${stats.requestId ?? '-'}, retry=${stats.isRetry}, objects=${stats.received}, not events=${stats.notEvents}, ` +
		`filtered=${stats.filtered}, duplicates=${stats.duplicates}, unreadable=${stats.unreadable}`
	);
}

export class EmailLabsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EmailLabs Trigger',
		name: 'emailLabsTrigger',
		icon: { light: 'file:../../icons/emaillabs.svg', dark: 'file:../../icons/emaillabs.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly like 1. It exists because n8n treats every typeVersion-1 webhook node
		// like its legacy Webhook v1 and evaluates an expression per request (which costs an
		// expression isolate under the default engine); from 1.1 on, n8n skips that.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["events"].length + " event type(s)"}}',
		description: 'Starts the workflow on EmailLabs delivery events (verified webhooks and the legacy Event API)',
		defaults: {
			name: 'EmailLabs Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'emailLabsWebhookApi',
				required: false,
				// EmailLabs cannot confirm a webhook secret, so the credential is checked locally (see methods).
				testedBy: 'emailLabsWebhookApiTest',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				...respondMode,
				// An empty 200 body: EmailLabs only needs the status code.
				responseData: 'noData',
				path: 'webhook',
			},
		],
		triggerPanel,
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			async emailLabsWebhookApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return checkWebhookCredential(credential.data ?? {});
			},
		},
	};

	/**
	 * EmailLabs has no API to register webhooks, so these methods only record what the user was
	 * asked to do: create() stores the URL and time and logs the instruction, checkExists() tells
	 * whether the recorded URL is the current one, delete() forgets it.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				const registration = staticData[REGISTRATION_KEY] as IDataObject | undefined;
				return registration?.url !== undefined && registration.url === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const settings = readNodeSettings((name, fallback) => this.getNodeParameter(name, fallback));
				if (!settings.ok) throw new NodeOperationError(this.getNode(), settings.message);
				const url = this.getNodeWebhookUrl('default');
				if (url === undefined) throw new NodeOperationError(this.getNode(), 'n8n provided no webhook URL');

				const isTest = this.getActivationMode() === 'manual';
				this.getWorkflowStaticData('node')[REGISTRATION_KEY] = {
					url,
					registeredAt: new Date().toISOString(),
					isTest,
				};
				// The token itself is a secret: the log names where it comes from, never its value.
				const pasteUrl = (await hasUrlToken(this)) ? `${url}?token=<URL Token of the EmailLabs Webhook credential>` : url;
				this.logger.info(
					isTest
						? `EmailLabs Trigger: listening on the test URL ${pasteUrl} until one request arrives. EmailLabs itself should get the production URL of the active workflow.`
						: `EmailLabs Trigger: EmailLabs cannot register webhooks through its API. Paste ${pasteUrl} into the EmailLabs panel (new panel: Account → Settings → Webhooks, then Generate SecretKey, Test, Save; old panel: Administrator → API → Event API).`,
				);
				if (this.getNode().credentials?.[WEBHOOK_CREDENTIAL_TYPE] === undefined) {
					this.logger.warn('EmailLabs Trigger: no EmailLabs Webhook credential is selected, so requests are not verified.');
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				const registration = staticData[REGISTRATION_KEY] as IDataObject | undefined;
				delete staticData[REGISTRATION_KEY];
				if (registration?.isTest !== true) {
					this.logger.info(
						'EmailLabs Trigger: deactivated. EmailLabs keeps sending to the URL until you remove it in the EmailLabs panel; until then its requests fail and are retried.',
					);
				}
				return true;
			},
		},
	};

	/**
	 * n8n runs a webhook node's execute() as the first step of the execution its webhook() started.
	 * n8n saves the static data of an execution when it ends, never what webhook() wrote when it
	 * started one, so this is where the memory goes into the static data that is saved. The items
	 * pass through unchanged.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const settings = readNodeSettings((name, fallback) => this.getNodeParameter(name, 0, fallback));
		const staticData = this.getWorkflowStaticData('node');
		const workflowData = this.getWorkflowStaticData('global');
		if (settings.ok && settings.settings.deduplicate && holdsStoredState(staticData, workflowData)) {
			const memory = memoryOf(this, staticData, workflowData);
			recordSeenEvents(memory, items.map((item) => item.json), settings.settings.output);
			memory.mirrorInto(staticData, workflowData);
		}
		return [items];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// n8n always hands a webhook node its response object; everything after this is guarded.
		const response = this.getResponseObject() as unknown as JsonResponse;
		try {
			const settings = readNodeSettings((name, fallback) => this.getNodeParameter(name, fallback));
			if (!settings.ok) {
				this.logger.warn(`EmailLabs Trigger: ${settings.message}`);
				return respond(response, 500, { code: 'configuration_error', message: 'The trigger is misconfigured.' });
			}

			let credential: ICredentialDataDecryptedObject | undefined;
			if (this.getNode().credentials?.[WEBHOOK_CREDENTIAL_TYPE] !== undefined) {
				credential = await this.getCredentials<ICredentialDataDecryptedObject>(WEBHOOK_CREDENTIAL_TYPE);
			}

			const request = this.getRequestObject();
			// From typeVersion 1.1, n8n leaves a body it cannot parse (no or unknown content type) unread.
			if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
				// Throws when n8n already consumed the stream (multipart); the parsed body is used then.
				await request.readRawBody().catch(() => undefined);
			}
			const staticData = this.getWorkflowStaticData('node');
			const workflowData = this.getWorkflowStaticData('global');
			const memory = settings.settings.deduplicate ? memoryOf(this, staticData, workflowData) : undefined;
			const outcome = processWebhookRequest(
				{
					headers: request.headers,
					remoteAddress: request.socket?.remoteAddress,
					rawBody: request.rawBody,
					parsedBody: request.body as unknown,
					contentType: request.contentType,
					urlToken: queryToken(request.query),
				},
				settings.settings,
				secretsFromCredential(credential),
				memory,
				Date.now(),
			);
			this.logger.debug(describeOutcome(outcome));
			// n8n saves static data after answering a request that starts no execution.
			if (memory?.unsaved === true && outcome.action !== 'run') memory.mirrorInto(staticData, workflowData);
			if (outcome.stats.verifiedWithPrevious.length > 0 && outcome.action !== 'reject') {
				this.logger.info(
					`EmailLabs Trigger: verified with the previous ${outcome.stats.verifiedWithPrevious.join(' and ')} value, rotation still in progress (request id ${outcome.stats.requestId ?? '-'})`,
				);
			}
			if (outcome.action === 'reject' && outcome.code === 'request_id_reused') {
				this.logger.warn(`EmailLabs Trigger: refused request id ${outcome.stats.requestId} seen before with a different body (replayed signature headers?)`);
			}

			if (outcome.action === 'reject') {
				return respond(response, outcome.status, { code: outcome.code, message: outcome.message });
			}
			if (outcome.action === 'acknowledge') {
				return { webhookResponse: { received: true, reason: outcome.reason } };
			}
			const { claim } = outcome;
			if (claim !== undefined) onAnswer(response, (status) => (status >= 200 && status < 300 ? claim.confirm() : claim.release()));
			return { workflowData: [outcome.items.map((json) => ({ json }))] };
		} catch (error) {
			// Never let bad input or a failing lookup surface as an n8n error execution.
			this.logger.error(`EmailLabs Trigger: the request could not be processed: ${(error as Error).message}`);
			return respond(response, 500, { code: 'internal_error', message: 'The request could not be processed.' });
		}
	}
}
