import { isEmptyListAnswer, isFailure, parseBody, readEnvelope } from '../../nodes/EmailLabs/transport/envelope';
import { encodePhpForm, phpUrlEncode } from '../../nodes/EmailLabs/transport/phpForm';
import {
	BASE_DELAY_MS,
	MAX_DELAY_MS,
	isRetryableNetworkError,
	parseRetryAfter,
	retryDelayMs,
} from '../../nodes/EmailLabs/transport/retryPolicy';
import { decodePhpForm } from '../support/phpForm';

describe('encodePhpForm (PHP http_build_query)', () => {
	// Expected strings are what PHP 8's http_build_query() prints for the same arrays.
	it.each([
		[{ to: { 'jan@x.pl': { vars: { name: 'Jan Kowalski' } } } }, 'to%5Bjan%40x.pl%5D%5Bvars%5D%5Bname%5D=Jan+Kowalski'],
		[{ tags: ['a', 'b'] }, 'tags%5B0%5D=a&tags%5B1%5D=b'],
		[{ files: [{ name: 'a.pdf', content: 'JVBE+/=' }] }, 'files%5B0%5D%5Bname%5D=a.pdf&files%5B0%5D%5Bcontent%5D=JVBE%2B%2F%3D'],
		[{ x: true, y: false, z: null, w: undefined, n: 0 }, 'x=1&y=0&n=0'],
		[{ s: "a~b*c'(d)!-_." }, 's=a%7Eb%2Ac%27%28d%29%21-_.'],
		[{ subject: 'Zażółć gęślą' }, 'subject=Za%C5%BC%C3%B3%C5%82%C4%87+g%C4%99%C5%9Bl%C4%85'],
		[{ headers: { 'X-Campaign': 'on/boarding' } }, 'headers%5BX-Campaign%5D=on%2Fboarding'],
		[{ empty: [], nested: { list: [] } }, ''],
	])('%j', (input, expected) => {
		expect(encodePhpForm(input as never)).toBe(expected);
	});

	it('round-trips through a PHP-style parser, keeping dots and @ inside brackets', () => {
		const data = {
			smtp_account: '1.acme.smtp',
			to: { 'jan.kowalski@x.pl': { message_id: 'abc@acme.pl', vars: { address: { city: 'Łódź & Co' } } } },
			tags: ['welcome', 'q4'],
		};
		expect(decodePhpForm(encodePhpForm(data))).toEqual({
			smtp_account: '1.acme.smtp',
			to: { 'jan.kowalski@x.pl': { message_id: 'abc@acme.pl', vars: { address: { city: 'Łódź & Co' } } } },
			tags: { '0': 'welcome', '1': 'q4' },
		});
	});

	it('phpUrlEncode encodes a space as +', () => {
		expect(phpUrlEncode('a b')).toBe('a+b');
	});
});

describe('retry policy', () => {
	it('parses Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter(['0.5'])).toBe(500);
		const now = Date.parse('2026-11-27T10:00:00Z');
		expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:03 GMT', now)).toBe(3000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});

	it('backs off exponentially with bounded jitter, and lets Retry-After win', () => {
		expect(retryDelayMs(1, undefined, () => 0)).toBe(BASE_DELAY_MS / 2);
		expect(retryDelayMs(1, undefined, () => 1)).toBe(BASE_DELAY_MS);
		expect(retryDelayMs(3, undefined, () => 1)).toBe(BASE_DELAY_MS * 4);
		expect(retryDelayMs(30, undefined, () => 1)).toBe(MAX_DELAY_MS);
		expect(retryDelayMs(2, 1234)).toBe(1234);
	});

	it('retries connection resets but not other errors', () => {
		expect(isRetryableNetworkError({ code: 'ECONNRESET' })).toBe(true);
		expect(isRetryableNetworkError({ message: 'socket hang up' })).toBe(true);
		expect(isRetryableNetworkError({ httpCode: 'ECONNRESET', message: 'The connection to the server was closed unexpectedly' })).toBe(true);
		expect(isRetryableNetworkError({ cause: { code: 'EPIPE' } })).toBe(true);
		expect(isRetryableNetworkError({ code: 'ERR_BAD_REQUEST', message: 'bad' })).toBe(false);
	});
});

describe('response envelopes', () => {
	it('reads the legacy envelope with request id and total', () => {
		const body = parseBody(JSON.stringify({ code: 200, status: 'success', message: 'ok', data: [1], req_id: 'r-1', number_of_elements: 7 }));
		const response = readEnvelope('legacy', 200, body);
		expect(response).toMatchObject({ statusCode: 200, data: [1], requestId: 'r-1', message: 'ok', code: '200', total: 7 });
		expect(isFailure('legacy', response, body)).toBe(false);
	});

	it('treats a legacy failure code inside HTTP 200 as a failure and flattens field messages', () => {
		const body = { code: 500, status: 'fail', message: { to: ['is required'], subject: 'too long' }, req_id: 'r-2' };
		const response = readEnvelope('legacy', 200, body);
		expect(response.message).toBe('to: is required; subject: too long');
		expect(isFailure('legacy', response, body)).toBe(true);
	});

	it('recognises "No items" as an empty list', () => {
		expect(isEmptyListAnswer('legacy', readEnvelope('legacy', 404, { code: 404, status: 'fail', message: 'No items' }))).toBe(true);
		expect(isEmptyListAnswer('legacy', readEnvelope('legacy', 404, { code: 404, message: 'Action not found' }))).toBe(false);
		expect(isEmptyListAnswer('v2', readEnvelope('v2', 404, { meta: { status: 404 }, data: [] }))).toBe(true);
	});

	it('reads v2.1 JSON:API errors, the alternative error object and 207 as not failed', () => {
		const body = {
			meta: { uniqId: 'u-9', status: 207 },
			data: [],
			errors: [{ title: 'Error', message: 'Invalid email', code: 'E-0-004', meta: { parameter: 'to[1].email', value: 'bad@' } }],
		};
		const partial = readEnvelope('v2', 207, body);
		expect(partial).toMatchObject({ requestId: 'u-9', code: 'E-0-004', message: 'Invalid email' });
		expect(partial.errors[0]).toEqual({ message: 'Invalid email', code: 'E-0-004', parameter: 'to[1].email', value: 'bad@' });
		expect(isFailure('v2', partial, body)).toBe(false);
		const other = readEnvelope('v2', 422, { error: { code: 422, message: 'Invalid input data.' } });
		expect(other.message).toBe('Invalid input data.');
		expect(isFailure('v2', other, undefined)).toBe(true);
	});

	it('keeps a non-JSON body as a short message', () => {
		expect(parseBody('<html>Bad gateway</html>')).toEqual({ message: '<html>Bad gateway</html>' });
		expect(parseBody(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
	});
});
