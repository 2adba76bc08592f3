import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { PhpFormValue } from './phpForm';

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
	/**
	 * false for a request that must not run twice (a send): after an ambiguous failure (502, 504,
	 * a connection lost or timed out after sending) it is not retried, and the outcome is reported as `unknown`.
	 */
	repeatable?: boolean;
}
