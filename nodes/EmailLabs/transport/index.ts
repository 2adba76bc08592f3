import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { LEGACY_API_URL, V2_API_URL } from '../../../credentials/EmailLabsApi.credentials';
import {
	isEmptyListAnswer,
	isFailure,
	parseBody,
	readEnvelope,
	type ApiGeneration,
	type EmailLabsResponse,
} from './envelope';
import { encodePhpForm, type PhpFormValue } from './phpForm';
import {
	MAX_RETRY_AFTER_MS,
	RETRYABLE_STATUS_CODES,
	isRetryableNetworkError,
	parseRetryAfter,
	retryDelayMs,
} from './retryPolicy';
import { LEGACY_PAGE_SIZE, V2_PAGE_SIZE, nextOffset } from './wireAssumptions';

export type { ApiErrorEntry, ApiGeneration, EmailLabsResponse } from './envelope';

export const CREDENTIAL_NAME = 'emailLabsApi';
export const DEFAULT_MAX_TRIES = 3;

type EmailLabsContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RequestSpec {
	method: IHttpRequestMethods;
	/** Path below the API base, e.g. `new_sendmail` or `email/smtpAccount`. */
	path: string;
	query?: Record<string, PhpFormValue>;
	/** Legacy API body: sent form-encoded the way PHP's http_build_query writes it. */
	form?: Record<string, PhpFormValue>;
	/** v2.1 body: sent as JSON. */
	json?: IDataObject;
	/** A 404 "no results" answer becomes an empty `data` list instead of an error. */
	emptyOnNotFound?: boolean;
}

export interface PageRequest {
	returnAll: boolean;
	limit: number;
}

export interface EmailLabsClient {
	readonly generation: ApiGeneration;
	/** Sends with retries; EmailLabs failures throw a NodeApiError carrying EmailLabs' own message and request id. */
	request(spec: RequestSpec, itemIndex?: number): Promise<EmailLabsResponse>;
	/** Like `request`, but a failure answer is returned instead of thrown (for per-recipient handling). */
	send(spec: RequestSpec, itemIndex?: number): Promise<{ response: EmailLabsResponse; failed: boolean }>;
	/** Follows offset/limit paging until "Return All" or the limit is satisfied. */
	requestList(spec: RequestSpec, page: PageRequest, itemIndex?: number): Promise<IDataObject[]>;
	/** The NodeApiError for a failure answer, e.g. one that `send` returned. */
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
	const configuredBase = (generation === 'v2' ? credentials.v2BaseUrl : credentials.legacyBaseUrl) as string | undefined;
	const baseUrl = (configuredBase || (generation === 'v2' ? V2_API_URL : LEGACY_API_URL)).replace(/\/+$/, '');
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

	const send = async (spec: RequestSpec, itemIndex?: number) => {
		const requestOptions = buildOptions(spec);
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
				if (attempt < maxTries && isRetryableNetworkError(error as IDataObject)) {
					const delay = retryDelayMs(attempt);
					context.logger.debug(`EmailLabs ${spec.method} ${spec.path}: ${(error as Error).message}; retry ${attempt} in ${delay} ms`);
					await sleep(delay);
					continue;
				}
				// The original error carries the request configuration, auth included: never pass it on.
				throw new NodeApiError(
					node,
					{ message: (error as Error).message ?? 'Request failed', code: (error as IDataObject).code ?? null } as JsonObject,
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
		const pageSize = generation === 'v2' ? V2_PAGE_SIZE : LEGACY_PAGE_SIZE;
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

	return { generation, request, send, requestList, toError };
}
