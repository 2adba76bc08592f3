import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import {
	isEmptyListAnswer,
	isFailure,
	parseBody,
	readEnvelope,
	type ApiGeneration,
	type EmailLabsResponse,
} from './envelope';
import { API_WIRES, type ApiWire, type SendAnswer } from './generations';
import type { Recipient, SharedMessage } from './message';
import { encodePhpForm, type PhpFormValue } from './phpForm';
import type { RequestSpec } from './request';
import {
	AMBIGUOUS_STATUS_CODES,
	MAX_RETRY_AFTER_MS,
	RETRYABLE_STATUS_CODES,
	isNotSentNetworkError,
	isRetryableNetworkError,
	parseRetryAfter,
	retryDelayMs,
} from './retryPolicy';
import { nextOffset, rowMessageId } from './wireAssumptions';

/** Message lookups in flight at once while reconciling an ambiguous send. */
const LOOKUP_CONCURRENCY = 5;

export type { ApiErrorEntry, ApiGeneration, EmailLabsResponse } from './envelope';
export { API_WIRES, type ApiWire, type SendAnswer } from './generations';
export type { RequestSpec } from './request';

export const CREDENTIAL_NAME = 'emailLabsApi';
export const DEFAULT_MAX_TRIES = 3;

/** Polls too: the catch-up trigger reads event lists through the same client. */
type EmailLabsContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

interface SendResult {
	response: EmailLabsResponse;
	failed: boolean;
	/** Set when a non-repeatable request failed ambiguously: EmailLabs may or may not have acted on it. */
	unknown?: string;
}

/** What became of one send call (see EmailLabsClient.sendMessage). */
export type MessageSendResult =
	| { failed: true; response: EmailLabsResponse; unknown?: string }
	| { failed: false; response: EmailLabsResponse; unknown?: undefined; answer: SendAnswer };

export interface PageRequest {
	returnAll: boolean;
	limit: number;
}

export interface EmailLabsClient {
	readonly generation: ApiGeneration;
	/** The generation's endpoints and send encoding. */
	readonly wire: ApiWire;
	/** How often a request is tried in all (the node's Max Tries option). */
	readonly maxTries: number;
	/** Sends with retries; EmailLabs failures throw a NodeApiError carrying EmailLabs' own message and request id. */
	request(spec: RequestSpec, itemIndex?: number): Promise<EmailLabsResponse>;
	/**
	 * Sends `shared` to `recipients` in one call that is never repeated blindly, and reads the
	 * answer per recipient. A failure answer is returned instead of thrown (for per-recipient
	 * handling); `unknown` says that the call failed ambiguously.
	 */
	sendMessage(shared: SharedMessage, recipients: readonly Recipient[], itemIndex?: number): Promise<MessageSendResult>;
	/**
	 * Whether EmailLabs holds a message with each of these Message IDs (legacy `emails` filtered by
	 * message id, v2.1 `email?messageId=`): true, false, or undefined when the lookup failed.
	 */
	findMessages(messageIds: string[], itemIndex?: number): Promise<Map<string, boolean | undefined>>;
	/** Follows offset/limit paging until "Return All" or the limit is satisfied. */
	requestList(spec: RequestSpec, page: PageRequest, itemIndex?: number): Promise<IDataObject[]>;
	/** The NodeApiError for a failure answer, e.g. one that `sendMessage` returned. */
	toError(response: EmailLabsResponse, itemIndex?: number): NodeApiError;
}

function buildQueryString(query: Record<string, PhpFormValue> | undefined): string {
	if (!query) return '';
	const encoded = encodePhpForm(query);
	return encoded ? `?${encoded}` : '';
}

function describeFailure(response: EmailLabsResponse): string {
	const text = response.message ?? 'EmailLabs returned no error message';
	if (response.statusCode === 401) {
		return `EmailLabs did not accept the API keys: ${text}. Check the EmailLabs credential (API generation and keys).`;
	}
	if (response.statusCode === 403) {
		return `EmailLabs refused the request: ${text}. The API key may lack this permission or be limited to other IP addresses.`;
	}
	return `EmailLabs: ${text}`;
}

function failureDetails(response: EmailLabsResponse): string {
	const parts = [`HTTP ${response.statusCode}`];
	if (response.code) parts.push(`code ${response.code}`);
	if (response.requestId) parts.push(`request id ${response.requestId}`);
	return parts.join(', ');
}

/** Items of a list answer: legacy lists are arrays, some legacy reads are objects keyed by name. */
export function toList(data: unknown): IDataObject[] {
	if (data === undefined || data === null || data === '') return [];
	if (Array.isArray(data)) return data.map((entry) => (typeof entry === 'object' && entry !== null ? entry : { value: entry }) as IDataObject);
	if (typeof data === 'object') {
		const values = Object.values(data as IDataObject);
		if (values.length && values.every((value) => typeof value === 'object' && value !== null && !Array.isArray(value))) {
			return Object.entries(data as IDataObject).map(([key, value]) => ({ key, ...(value as IDataObject) }));
		}
		return [data as IDataObject];
	}
	return [{ value: data } as IDataObject];
}

export async function createClient(
	context: EmailLabsContext,
	options: { maxTries?: number } = {},
): Promise<EmailLabsClient> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const generation: ApiGeneration = credentials.api === 'v2' ? 'v2' : 'legacy';
	const wire = API_WIRES[generation];
	const configuredBase = (generation === 'v2' ? credentials.v2BaseUrl : credentials.legacyBaseUrl) as string | undefined;
	const baseUrl = (configuredBase || wire.defaultBaseUrl).replace(/\/+$/, '');
	const maxTries = Math.max(1, Math.floor(options.maxTries ?? DEFAULT_MAX_TRIES));
	const node = context.getNode();

	const toError = (response: EmailLabsResponse, itemIndex?: number) =>
		new NodeApiError(
			node,
			{
				message: response.message ?? null,
				code: response.code ?? null,
				requestId: response.requestId ?? null,
				errors: response.errors as unknown as JsonObject[],
			} as JsonObject,
			{
				message: describeFailure(response),
				description: failureDetails(response),
				httpCode: String(response.statusCode),
				itemIndex,
			},
		);

	const buildOptions = (spec: RequestSpec): IHttpRequestOptions => {
		const request: IHttpRequestOptions = {
			method: spec.method,
			url: `${baseUrl}/${spec.path.replace(/^\/+/, '')}${buildQueryString(spec.query)}`,
			headers: { Accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (spec.form && generation === 'legacy') {
			request.body = encodePhpForm(spec.form);
			request.headers!['Content-Type'] = 'application/x-www-form-urlencoded';
		} else if (spec.json) {
			request.body = JSON.stringify(spec.json);
			request.headers!['Content-Type'] = 'application/json';
		} else if (generation === 'v2') {
			request.headers!['Content-Type'] = 'application/json';
		}
		return request;
	};

	const send = async (spec: RequestSpec, itemIndex?: number): Promise<SendResult> => {
		const requestOptions = buildOptions(spec);
		const repeatable = spec.repeatable !== false;
		for (let attempt = 1; ; attempt++) {
			let statusCode: number;
			let headers: IDataObject;
			let rawBody: unknown;
			try {
				const answer = (await context.helpers.httpRequestWithAuthentication.call(
					context,
					CREDENTIAL_NAME,
					requestOptions,
				)) as { statusCode: number; headers: IDataObject; body: unknown };
				({ statusCode, headers, body: rawBody } = answer);
			} catch (error) {
				const cause = error as IDataObject;
				if (!repeatable && isRetryableNetworkError(cause) && !isNotSentNetworkError(cause)) {
					return { response: { statusCode: 0, data: undefined, errors: [] }, failed: true, unknown: `the connection failed (${(error as Error).message})` };
				}
				if (attempt < maxTries && isRetryableNetworkError(cause)) {
					const delay = retryDelayMs(attempt);
					context.logger.debug(`EmailLabs ${spec.method} ${spec.path}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`);
					await sleep(delay);
					continue;
				}
				// The original error carries the request configuration, auth included: never pass it on.
				throw new NodeApiError(
					node,
					{ message: (error as Error).message ?? 'Request failed', code: cause.code ?? null } as JsonObject,
					{
						message: `Could not reach EmailLabs (${new URL(baseUrl).host}): ${(error as Error).message}`,
						description: `Tried ${attempt} time(s).`,
						itemIndex,
					},
				);
			}
			const body = parseBody(rawBody);
			const response = readEnvelope(generation, statusCode, body);
			if (spec.emptyOnNotFound && isEmptyListAnswer(generation, response)) {
				return { response: { ...response, data: [], total: 0 }, failed: false };
			}
			if (!repeatable && AMBIGUOUS_STATUS_CODES.has(statusCode)) {
				return { response, failed: true, unknown: `EmailLabs answered HTTP ${statusCode}` };
			}
			if (RETRYABLE_STATUS_CODES.has(statusCode) && attempt < maxTries) {
				const retryAfter = parseRetryAfter(headers?.['retry-after']);
				if (retryAfter === undefined || retryAfter <= MAX_RETRY_AFTER_MS) {
					const delay = retryDelayMs(attempt, retryAfter);
					context.logger.debug(`EmailLabs ${spec.method} ${spec.path}: HTTP ${statusCode}; retry ${attempt} in ${delay} ms`);
					await sleep(delay);
					continue;
				}
			}
			return { response, failed: isFailure(generation, response, body) };
		}
	};

	const request = async (spec: RequestSpec, itemIndex?: number) => {
		const { response, failed } = await send(spec, itemIndex);
		if (failed) throw toError(response, itemIndex);
		return response;
	};

	const requestList = async (spec: RequestSpec, page: PageRequest, itemIndex?: number) => {
		const pageSize = wire.pageSize;
		const wanted = page.returnAll ? Infinity : Math.max(1, page.limit);
		const results: IDataObject[] = [];
		for (let offset = 0; results.length < wanted; ) {
			const limit = Math.min(pageSize, wanted - results.length);
			const response = await request(
				{ ...spec, emptyOnNotFound: true, query: { ...spec.query, offset, limit } },
				itemIndex,
			);
			const entries = toList(response.data);
			results.push(...entries.slice(0, wanted - results.length));
			offset = nextOffset(offset, entries.length);
			const reachedTotal = response.total !== undefined && offset >= response.total;
			if (entries.length < limit || reachedTotal) break;
		}
		return results;
	};

	const findMessage = async (messageId: string, itemIndex?: number): Promise<boolean | undefined> => {
		try {
			const response = await request({ method: 'GET', ...wire.messageLookup(messageId), emptyOnNotFound: true }, itemIndex);
			return toList(response.data).some((row) => rowMessageId(row) === messageId);
		} catch (error) {
			context.logger.warn(`EmailLabs: could not look up Message ID ${messageId}: ${(error as Error).message}`);
			return undefined;
		}
	};

	const findMessages = async (messageIds: string[], itemIndex?: number) => {
		const found = new Map<string, boolean | undefined>();
		for (let start = 0; start < messageIds.length; start += LOOKUP_CONCURRENCY) {
			const slice = messageIds.slice(start, start + LOOKUP_CONCURRENCY);
			const answers = await Promise.all(slice.map(async (messageId) => await findMessage(messageId, itemIndex)));
			slice.forEach((messageId, index) => found.set(messageId, answers[index]));
		}
		return found;
	};

	const sendMessage = async (shared: SharedMessage, recipients: readonly Recipient[], itemIndex?: number): Promise<MessageSendResult> => {
		const sent = await send({ ...wire.sendRequest(shared, recipients), repeatable: false }, itemIndex);
		if (sent.failed) return { failed: true, response: sent.response, unknown: sent.unknown };
		return { failed: false, response: sent.response, answer: wire.readSendAnswer(recipients, sent.response) };
	};

	return { generation, wire, maxTries, request, sendMessage, requestList, toError, findMessages };
}
