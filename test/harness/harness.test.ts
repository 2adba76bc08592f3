/**
 * Self-test of the test harness: the fixture node runs through n8n's real engine against
 * FakeServer, and the support helpers behave as documented.
 */
import * as http from 'node:http';

import type { INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { asList, decodePhpForm, decodePhpQuery } from '../support/phpForm';
import { FakeServer } from '../../harness/fakeServer';
import { Fixture, FixtureApi, FixtureGenericApi } from '../../harness/fixtures';
import { binaryItem, readBinary, runCredentialTest, runLoadOptions, runNode } from '../../harness/runNode';

let server: FakeServer;

beforeAll(async () => {
	server = await FakeServer.start();
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.reset();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function fixtureRun(parameters: Record<string, unknown>, extra: Partial<Parameters<typeof runNode>[0]> = {}) {
	return runNode({
		nodeType: new Fixture(),
		credentialTypes: [new FixtureApi()],
		credentials: { fixtureApi: { user: 'jan', password: 'sekret', baseUrl: server.url } },
		parameters: parameters as never,
		...extra,
	});
}

describe('runNode (real n8n WorkflowExecute)', () => {
	test('sends the request to FakeServer with the credential’s auth header', async () => {
		server.on('POST', '/echo', (req) => ({ body: { received: req.json } }));

		const result = await fixtureRun({ name: 'static' });

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(1);
		const [req] = server.requests;
		expect(req.method).toBe('POST');
		expect(req.path).toBe('/echo');
		expect(req.headers.authorization).toBe(basic('jan', 'sekret'));
		expect(req.headers['content-type']).toContain('application/json');
		// default typeVersion is description.defaultVersion (2)
		expect(req.json).toEqual({ name: 'static', version: 2 });
		expect(result.items).toEqual([{ json: { received: { name: 'static', version: 2 } }, pairedItem: { item: 0 } }]);
		expect(result.runData.Fixture[0].executionStatus).toBe('success');
	});

	test('resolves expression parameters per item', async () => {
		server.on('POST', '/echo', (req) => ({ body: req.json as object }));

		const result = await fixtureRun(
			{ name: '={{ $json.first + " " + $json.last.toUpperCase() }}' },
			{
				items: [
					{ json: { first: 'Jan', last: 'Kowalski' } },
					{ json: { first: 'Anna', last: 'Nowak' } },
					{ json: { first: 'Łucja', last: 'Żak' } },
				],
				typeVersion: 1,
			},
		);

		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => (r.json as { name: string }).name)).toEqual([
			'Jan KOWALSKI',
			'Anna NOWAK',
			'Łucja ŻAK',
		]);
		expect(result.items.map((i) => i.json)).toEqual([
			{ name: 'Jan KOWALSKI', version: 1 },
			{ name: 'Anna NOWAK', version: 1 },
			{ name: 'Łucja ŻAK', version: 1 },
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('binary data round-trips byte for byte through prepareBinaryData/getBinaryDataBuffer', async () => {
		server.on('POST', '/echo', (req) => ({ body: { file: (req.json as { file: unknown }).file } }));
		const bytes = Buffer.from([0x00, 0xff, 0xc5, 0x82, 0x80, 0x0a, 0x25, 0x50, 0x44, 0x46, 0xfe]);

		const result = await fixtureRun(
			{ binaryPropertyName: 'data' },
			{ items: [binaryItem({ id: 1 }, { data: { buffer: bytes, fileName: 'zażółć.pdf', mimeType: 'application/pdf' } })] },
		);

		expect(result.error).toBeUndefined();
		const sent = (server.requests[0].json as { file: { base64: string; fileName: string; mimeType: string } }).file;
		expect(Buffer.from(sent.base64, 'base64').equals(bytes)).toBe(true);
		expect(sent.fileName).toBe('zażółć.pdf');
		expect(sent.mimeType).toBe('application/pdf');

		const binary = result.items[0].binary?.data;
		expect(binary).toMatchObject({ fileName: 'zażółć.pdf', mimeType: 'application/pdf', bytes: bytes.length });
		expect((await readBinary(binary!)).equals(bytes)).toBe(true);
	});

	test('missing binary property fails the way n8n reports it', async () => {
		const result = await fixtureRun({ binaryPropertyName: 'attachment' }, { items: [{ json: {} }] });
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/attachment/);
		expect(server.requests).toHaveLength(0);
	});

	test('continueOnFail keeps pairedItem of the failed item and processes the rest', async () => {
		server
			.once('POST', '/echo', { body: { ok: 1 } })
			.once('POST', '/echo', { status: 500, body: { message: 'boom' } })
			.once('POST', '/echo', { body: { ok: 3 } });

		const result = await fixtureRun(
			{ name: '={{ $json.n }}' },
			{ items: [{ json: { n: 'a' } }, { json: { n: 'b' } }, { json: { n: 'c' } }], continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(3);
		expect(result.items).toHaveLength(3);
		expect(result.items[0]).toEqual({ json: { ok: 1 }, pairedItem: { item: 0 } });
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[1].json.error).toEqual(expect.any(String));
		expect(result.items[2]).toEqual({ json: { ok: 3 }, pairedItem: { item: 2 } });
	});

	test('without continueOnFail a thrown NodeOperationError surfaces in result.error', async () => {
		const result = await fixtureRun({ operation: 'fail', failMessage: 'Kaboom: {{ not evaluated }}' });

		expect(result.items).toEqual([]);
		expect(result.error).toBeDefined();
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('Kaboom: {{ not evaluated }}');
		expect(result.error?.description).toBe('thrown on purpose by the fixture');
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(result.runData.Fixture[0].executionStatus).toBe('error');
		expect(result.run.status).toBe('error');
	});

	test('a node-level throw with continueOnFail passes the input through and records the error', async () => {
		// no credentials given → this.getCredentials() throws before the per-item loop
		const result = await fixtureRun({}, { credentials: {}, continueOnFail: true, items: [{ json: { keep: 'me' } }] });

		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('Node does not have any credentials set');
		expect(result.items).toEqual([{ json: { keep: 'me' }, pairedItem: { item: 0 } }]);
		// n8n still marks the run as 'error' when the last executed node threw, even if it continued
		expect(result.run.status).toBe('error');
		expect(server.requests).toHaveLength(0);
	});

	test('HTTP errors become NodeApiError; a 401 is retried once after preAuthentication', async () => {
		server.on('POST', '/echo', { status: 401, body: { message: 'bad key' } });

		const result = await fixtureRun({});

		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.message).toBe('Authorization failed - please check your credentials');
		expect(result.error?.description).toBe('bad key');
		// n8n-core re-authenticates and re-sends once on 401 (httpRequestWithAuthentication)
		expect(server.requests).toHaveLength(2);
	});

	test('connection reset surfaces as NodeApiError with httpCode ECONNRESET', async () => {
		server.on('POST', '/echo', { destroySocket: true });
		const result = await fixtureRun({});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe('ECONNRESET');
	});

	test('generic authenticate resolves $credentials expressions into headers and qs', async () => {
		server.on('POST', '/echo', { body: { ok: true } });

		const result = await runNode({
			nodeType: new Fixture(),
			credentialTypes: [new FixtureGenericApi()],
			credentials: { fixtureGenericApi: { token: 'abc', baseUrl: server.url } },
			parameters: { authentication: 'generic' },
		});

		expect(result.error).toBeUndefined();
		const [req] = server.requests;
		expect(req.headers['x-api-key']).toBe('abc');
		expect(req.headers.authorization).toBe('Bearer ABC');
		expect(req.query).toEqual({ region: 'eu' });
	});

	test('returnFullResponse + ignoreHttpStatusErrors returns {statusCode, headers, body, statusMessage}', async () => {
		server
			.on('GET', '/json', { status: 422, body: { errors: ['x'] } })
			.on('GET', '/text', { body: 'plain text' })
			.on('GET', '/json-as-text', { headers: { 'content-type': 'text/plain' }, body: '{"a":1}' });

		const json = await fixtureRun({ operation: 'probe', path: '/json' });
		expect(json.error).toBeUndefined();
		expect(json.items[0].json).toEqual({
			keys: ['body', 'headers', 'statusCode', 'statusMessage'],
			statusCode: 422,
			contentType: 'application/json',
			bodyType: 'object',
			body: { errors: ['x'] },
		});

		const text = await fixtureRun({ operation: 'probe', path: '/text' });
		expect(text.items[0].json).toMatchObject({ statusCode: 200, bodyType: 'string', body: 'plain text' });

		// body parsing is content-sniffing, not content-type driven
		const sniffed = await fixtureRun({ operation: 'probe', path: '/json-as-text' });
		expect(sniffed.items[0].json).toMatchObject({ bodyType: 'object', body: { a: 1 } });
	});

	test('missing required parameters make runNode reject before anything runs', async () => {
		const nodeType: INodeType = {
			description: {
				displayName: 'Strict',
				name: 'strict',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: { name: 'Strict' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				properties: [{ displayName: 'Must', name: 'must', type: 'string', default: '', required: true }],
			},
			async execute() {
				return [[]];
			},
		};
		await expect(runNode({ nodeType, parameters: {} })).rejects.toThrow(/issues/i);
	});
});

describe('runLoadOptions / runCredentialTest', () => {
	test('runLoadOptions calls the method with a real LoadOptionsContext', async () => {
		server.on('GET', '/things', {
			body: {
				data: [
					{ id: 't1', label: 'First' },
					{ id: 't2', label: 'Second' },
				],
			},
		});

		const options = await runLoadOptions({
			nodeType: new Fixture(),
			credentialTypes: [new FixtureApi()],
			credentials: { fixtureApi: { user: 'jan', password: 'sekret', baseUrl: server.url } },
			parameters: {},
			methodName: 'getThings',
		});

		expect(options).toEqual([
			{ name: 'First', value: 't1' },
			{ name: 'Second', value: 't2' },
		]);
		expect(server.requests[0].headers.authorization).toBe(basic('jan', 'sekret'));
	});

	test('credential test OK resolves $credentials in baseURL/url and applies authenticate', async () => {
		server.on('GET', '/auth-check/pl', (req) => ({
			status: req.headers.authorization === basic('jan', 'sekret') ? 200 : 401,
			body: {},
		}));

		const result = await runCredentialTest({
			credentialType: new FixtureApi(),
			data: { user: 'jan', password: 'sekret', baseUrl: server.url, region: 'pl' },
		});

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests.map((r) => r.path)).toEqual(['/auth-check/pl']);
	});

	test('credential test reports 401 as Error', async () => {
		server.on('GET', '/auth-check/eu', { status: 401, body: { message: 'bad' } });
		const result = await runCredentialTest({
			credentialType: new FixtureApi(),
			data: { user: 'jan', password: 'wrong', baseUrl: server.url },
		});
		expect(result).toEqual({ status: 'Error', message: 'Unauthorized' });
	});

	test('credential test applies responseCode and responseSuccessBody rules, and network errors', async () => {
		server.on('GET', '/auth-check/eu', { status: 403, body: {} });
		expect(
			await runCredentialTest({ credentialType: new FixtureApi(), data: { user: 'a', password: 'b', baseUrl: server.url } }),
		).toEqual({ status: 'Error', message: 'Account is blocked' });

		server.on('GET', '/auth-check', { body: { status: 'blocked' } });
		expect(
			await runCredentialTest({ credentialType: new FixtureGenericApi(), data: { token: 't', baseUrl: server.url } }),
		).toEqual({ status: 'Error', message: 'Token blocked' });

		expect(
			await runCredentialTest({
				credentialType: new FixtureApi(),
				data: { user: 'a', password: 'b', baseUrl: 'http://127.0.0.1:1' },
			}),
		).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});

describe('decodePhpForm', () => {
	test('nested bracket keys keep @ and dots inside brackets', () => {
		const body =
			'to%5Bjan%40x.pl%5D%5Bvars%5D%5Bname%5D=Jan&to[anna@y.com.pl][vars][name]=Anna+Maria&from=a%40b.pl';
		expect(decodePhpForm(body)).toEqual({
			to: {
				'jan@x.pl': { vars: { name: 'Jan' } },
				'anna@y.com.pl': { vars: { name: 'Anna Maria' } },
			},
			from: 'a@b.pl',
		});
	});

	test('numeric indexes, [] append and asList', () => {
		const form = decodePhpForm('files[0][name]=a.pdf&files[0][content]=QUJD%2B%2F%3D&files[1][name]=b.txt&tags[0]=a&tags[]=b&tags[]=c');
		expect(form.files).toEqual({ 0: { name: 'a.pdf', content: 'QUJD+/=' }, 1: { name: 'b.txt' } });
		expect(asList(form.tags)).toEqual(['a', 'b', 'c']);
		expect(asList<{ name: string }>(form.files).map((f) => f.name)).toEqual(['a.pdf', 'b.txt']);
		expect(() => asList({ a: 1 })).toThrow(TypeError);
		expect(() => asList('x')).toThrow(TypeError);
		expect(asList(undefined)).toEqual([]);
	});

	test('+ is a space, %2B a plus, later keys win, PHP name mangling', () => {
		expect(decodePhpForm('subject=Hello+world%21&plus=1%2B1&a=1&a=2&first.name=x&my+key=y&empty&=skipped&[x]=skipped')).toEqual({
			subject: 'Hello world!',
			plus: '1+1',
			a: '2',
			first_name: 'x',
			my_key: 'y',
			empty: '',
		});
		expect(decodePhpForm('a[b=1&c[d][e=2')).toEqual({ a_b: '1', c: { d: '2' } });
		expect(decodePhpForm('')).toEqual({});
	});

	test('decodePhpQuery accepts a leading ?', () => {
		expect(decodePhpQuery('?filter[status]=sent&ids[]=1&ids[]=2')).toEqual({
			filter: { status: 'sent' },
			ids: { 0: '1', 1: '2' },
		});
	});
});

describe('FakeServer', () => {
	test('once routes are FIFO and used before persistent ones; latest on() wins; 404 otherwise', async () => {
		server.on('GET', '/x', { body: { from: 'on-1' } });
		server.on('GET', /^\/x$/, { body: { from: 'on-2' } });
		server.once('GET', '/x', { body: { from: 'once-1' } });
		server.once('*', '/x', { body: { from: 'once-2' } });

		const seen: unknown[] = [];
		for (let i = 0; i < 4; i++) seen.push(await (await fetch(`${server.url}/x`)).json());
		expect(seen).toEqual([{ from: 'once-1' }, { from: 'once-2' }, { from: 'on-2' }, { from: 'on-2' }]);

		const missing = await fetch(`${server.url}/nope?a[b]=1`);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ message: 'no route' });
		expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nope', query: { a: { b: '1' } } });
	});

	test('records form and json bodies', async () => {
		server.on('POST', '/form', (req) => ({ status: 201, body: `got ${String((req.form as { s: string }).s)}` }));
		const res = await fetch(`${server.url}/form`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'to%5Ba%40b.pl%5D=1&s=x+y',
		});
		expect(res.status).toBe(201);
		expect(await res.text()).toBe('got x y');
		expect(server.requests[0].form).toEqual({ to: { 'a@b.pl': '1' }, s: 'x y' });

		await fetch(`${server.url}/j`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":[1]}' });
		expect(server.requests[1]).toMatchObject({ method: 'PUT', json: { a: [1] } });
		expect(server.requests[1].rawBody.toString()).toBe('{"a":[1]}');
	});

	test('delayMs delays the reply', async () => {
		server.on('GET', '/slow', { delayMs: 150, body: 'late' });
		const started = Date.now();
		const res = await fetch(`${server.url}/slow`);
		expect(await res.text()).toBe('late');
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	test('destroySocket resets the connection without a response', async () => {
		server.on('GET', '/reset', { destroySocket: true });
		await expect(fetch(`${server.url}/reset`)).rejects.toThrow();
		expect(server.requests).toHaveLength(1);
	});

	test('responder errors give 500; close() ends keep-alive connections and pending delays', async () => {
		const local = await FakeServer.start({ latencyMs: 5 });
		local.on('GET', '/throw', () => {
			throw new Error('responder broke');
		});
		local.on('GET', '/hang', { delayMs: 60_000 });
		const agent = new http.Agent({ keepAlive: true });
		const get = (path: string) =>
			new Promise<{ status: number; body: string }>((resolve, reject) => {
				http
					.get(`${local.url}${path}`, { agent }, (res) => {
						let body = '';
						res.on('data', (c: Buffer) => (body += c.toString()));
						res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
					})
					.on('error', reject);
			});

		expect(await get('/throw')).toEqual({ status: 500, body: JSON.stringify({ message: 'responder broke' }) });
		const hanging = get('/hang');
		await new Promise((r) => setTimeout(r, 20));
		const started = Date.now();
		await local.close();
		await expect(hanging).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(1000);
		agent.destroy();
	});
});
