/** The importable example workflows: structure, node parameters, and the EmailLabs steps run against the sandbox. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { EmailLabs } from '../../nodes/EmailLabs/EmailLabs.node';
import { EmailLabsTrigger } from '../../nodes/EmailLabsTrigger/EmailLabsTrigger.node';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { jsonItems, runEmailLabs } from '../../harness/runEmailLabs';
import { ARCHIVE_TABLES, exampleWorkflows, materialiseExamples, materialiseText, usesArchiveTables } from '../../scripts/examples';
import { LEGACY_KEYS, V2_KEYS } from '../../harness/emailLabsWire';
import type { FakeServer } from '../../harness/fakeServer';
import { call } from './http';

const DIR = join(__dirname, '../../examples');
const ALLOWED_TYPES: Record<string, number[]> = {
	'n8n-nodes-emaillabs.emailLabs': [1],
	'n8n-nodes-emaillabs.emailLabsTrigger': [1.1],
	'n8n-nodes-emaillabs.emailLabsCatchUpTrigger': [1],
	'n8n-nodes-base.webhook': [2],
	'n8n-nodes-base.if': [2.2],
	'n8n-nodes-base.dataTable': [1.1],
	'n8n-nodes-base.respondToWebhook': [1.1],
	'n8n-nodes-base.scheduleTrigger': [1.2],
	'n8n-nodes-base.httpRequest': [4.2],
	'n8n-nodes-base.set': [3.4],
	'n8n-nodes-base.code': [2],
	'n8n-nodes-base.crypto': [2],
};

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
}
interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
	settings: Record<string, unknown>;
}

const read = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8'));
const workflowFiles = readdirSync(DIR).filter((file) => file.endsWith('.json') && file !== 'credentials.json').sort();
const credentials = read('credentials.json') as Array<{ id: string; name: string; type: string; data: Record<string, string> }>;
const workflow = (file: string) => read(file) as Workflow;
const node = (file: string, type: string) => workflow(file).nodes.find((entry) => entry.type === type)!;

const WEBHOOK_NODES = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-emaillabs.emailLabsTrigger']);
const isTrigger = (entry: WorkflowNode) => WEBHOOK_NODES.has(entry.type) || /Trigger$/.test(entry.type);

it('has the eight example workflows', () => {
	expect(workflowFiles).toEqual([
		'bounce-complaint-cleanup.json',
		'crm-signup-welcome.json',
		'daily-deliverability-report.json',
		'deliverability-alert.json',
		'double-opt-in-discount.json',
		'email-event-archive.json',
		'email-status-lookup.json',
		'follow-up-after-open.json',
	]);
});

describe.each(workflowFiles)('%s', (file) => {
	const wf = workflow(file);

	it('is an importable n8n workflow using only the allowed node types', () => {
		expect(wf.id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(typeof wf.name).toBe('string');
		expect(wf.settings).toEqual({ executionOrder: 'v1' });
		const names = wf.nodes.map((entry) => entry.name);
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(wf.nodes.map((entry) => entry.id)).size).toBe(names.length);
		for (const entry of wf.nodes) {
			expect(ALLOWED_TYPES[entry.type]).toContain(entry.typeVersion);
			expect(entry.position).toEqual([expect.any(Number), expect.any(Number)]);
			expect(typeof entry.parameters).toBe('object');
			if (WEBHOOK_NODES.has(entry.type)) expect(entry.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		}
	});

	it('connects only existing nodes, and every node but the triggers has an input', () => {
		const names = new Set(wf.nodes.map((entry) => entry.name));
		const targets = new Set<string>();
		for (const [source, outputs] of Object.entries(wf.connections)) {
			expect(names).toContain(source);
			for (const connection of Object.values(outputs).flat(2)) {
				expect(names).toContain(connection.node);
				expect(connection.type).toBe('main');
				targets.add(connection.node);
			}
		}
		expect(wf.nodes.filter((entry) => !targets.has(entry.name))).toEqual(wf.nodes.filter(isTrigger));
		expect(wf.nodes.filter(isTrigger).length).toBeGreaterThanOrEqual(1);
	});

	it('references credentials from examples/credentials.json by id, name and type', () => {
		for (const entry of wf.nodes) {
			for (const [type, reference] of Object.entries(entry.credentials ?? {})) {
				expect(credentials).toContainEqual(expect.objectContaining({ id: reference.id, name: reference.name, type }));
			}
		}
	});

	it('uses EmailLabs resources, operations and events that the nodes offer', () => {
		const actionProperties = new EmailLabs().description.properties as INodeProperties[];
		for (const entry of wf.nodes.filter((candidate) => candidate.type === 'n8n-nodes-emaillabs.emailLabs')) {
			const resources = actionProperties.find((property) => property.name === 'resource')!.options!.map((option: any) => option.value);
			expect(resources).toContain(entry.parameters.resource);
			const operations = actionProperties
				.filter((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(entry.parameters.resource))
				.flatMap((property) => property.options!.map((option: any) => option.value));
			expect(operations).toContain(entry.parameters.operation);
		}
		const trigger = wf.nodes.find((candidate) => candidate.type === 'n8n-nodes-emaillabs.emailLabsTrigger');
		if (trigger) {
			const events = (new EmailLabsTrigger().description.properties.find((property) => property.name === 'events')!.options as any[]).map((option) => option.value);
			for (const event of trigger.parameters.events) expect(events).toContain(event);
		}
	});
});

it('credentials.json is in the n8n import:credentials format and points at the sandbox', () => {
	for (const entry of credentials) {
		expect(Object.keys(entry).sort()).toEqual(['data', 'id', 'name', 'type']);
		expect(entry.id).toMatch(/^[A-Za-z0-9]{16}$/);
	}
	expect(credentials.filter((entry) => entry.type === 'crypto').map((entry) => Object.keys(entry.data))).toEqual([['hmacSecret']]);
	expect(credentials.find((entry) => entry.type === 'emailLabsApi')!.data).toMatchObject({ legacyBaseUrl: 'http://127.0.0.1:8025/api', appKey: 'sandbox-app-key' });
});

describe('the EmailLabs steps against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => (sandbox = await startSandbox({ legacyKeys: LEGACY_KEYS, v2Keys: V2_KEYS, deliveredDelayMs: 5 })));
	afterAll(async () => await sandbox.close());
	const server = () => ({ url: sandbox.url }) as unknown as FakeServer;

	it('CRM signup: the welcome email renders the contact variables under the generated Message ID', async () => {
		const step = node('crm-signup-welcome.json', 'n8n-nodes-emaillabs.emailLabs');
		const result = await runEmailLabs({
			api: 'legacy',
			server: server(),
			parameters: step.parameters,
			items: jsonItems({ headers: {}, body: { email: 'ola@example.com', firstName: 'Ola', company: 'Initech' } }),
		});
		expect(result.error).toBeUndefined();
		const messageId = (result.items[0].json as any).messageId;
		expect(messageId).toMatch(/^welcome\.\d+\.0@acme\.example$/);
		const stored = (await call(`${sandbox.url}/_sandbox/messages/${messageId}`)).body;
		expect(stored).toMatchObject({ subject: 'Welcome to Initech, Ola!', templateId: 'welcome', tags: ['welcome', 'crm-signup'] });
		expect(stored.html).toContain('Welcome, Ola!');
	});

	it('bounce clean-up: the blacklist step picks the reason from the trigger event', async () => {
		const step = node('bounce-complaint-cleanup.json', 'n8n-nodes-emaillabs.emailLabs');
		const result = await runEmailLabs({
			api: 'legacy',
			server: server(),
			parameters: step.parameters,
			items: jsonItems(
				{ event: 'hardBounce', email: 'gone@bounce.test', smtpAccount: '1.sandbox.smtp', description: '550 user unknown' },
				{ event: 'spamComplaint', email: 'angry@example.com', smtpAccount: '2.sandbox.smtp', description: null },
			),
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.blacklist.map((entry) => [entry.email, entry.account, entry.reason])).toEqual([
			['gone@bounce.test', '1.sandbox.smtp', 'hardbounce'],
			['angry@example.com', '2.sandbox.smtp', 'spam_complaint'],
		]);
	});

	it('daily report: statistics for the last 24 h feed the Code node’s rates', async () => {
		sandbox.reset();
		await call(`${sandbox.url}/api/new_sendmail`, {
			auth: [LEGACY_KEYS.appKey, LEGACY_KEYS.secretKey],
			body: new URLSearchParams({ smtp_account: '1.sandbox.smtp', subject: 'Hi', from: 'a@acme.pl', text: 'Hi', 'to[a@example.com]': '', 'to[b@bounce.test]': '', 'to[complaint@example.com]': '', 'to[d@example.com]': '' }).toString(),
		});
		await new Promise((resolve) => setTimeout(resolve, 100));
		const result = await runEmailLabs({ api: 'legacy', server: server(), parameters: node('daily-deliverability-report.json', 'n8n-nodes-emaillabs.emailLabs').parameters });
		expect(result.error).toBeUndefined();
		const stats = result.items[0].json;
		const code = node('daily-deliverability-report.json', 'n8n-nodes-base.code').parameters.jsCode as string;
		const run = new Function('$input', code) as (input: unknown) => Array<{ json: Record<string, unknown> }>;
		const [report] = run({ first: () => ({ json: stats }) });
		expect(report.json).toMatchObject({ sent: 4, delivered: 3, bounceRate: 25, complaintRate: 25 });
	});
});

describe('the event archive and status lookup examples', () => {
	type Json = Record<string, any>;
	const archive = workflow('email-event-archive.json');
	const lookup = workflow('email-status-lookup.json');
	const byName = (wf: Workflow, name: string) => wf.nodes.find((entry) => entry.name === name)!;
	/** Runs a Code node's JavaScript (mode: once for all items) with `$input` and `$('Node')`. */
	const runCode = (wf: Workflow, name: string, input: Json[], others: Record<string, Json[]> = {}): Json[] => {
		const items = (list: Json[]) => list.map((json) => ({ json }));
		const $input = { all: () => items(input), first: () => items(input)[0] };
		const $ = (node: string) => ({ all: () => items(others[node]), first: () => items(others[node])[0] });
		const run = new Function('$input', '$', byName(wf, name).parameters.jsCode) as (...args: unknown[]) => Array<{ json: Json }>;
		return run($input, $).map((item) => item.json);
	};
	const columns = (table: keyof typeof ARCHIVE_TABLES) => ARCHIVE_TABLES[table].columns.map(([name]) => name);
	const tableOf = (entry: WorkflowNode) => (Object.keys(ARCHIVE_TABLES) as Array<keyof typeof ARCHIVE_TABLES>).find((key) => ARCHIVE_TABLES[key].placeholder === entry.parameters.dataTableId.value)!;

	it('both triggers of the archive feed the same first step', () => {
		const triggers = archive.nodes.filter(isTrigger).map((entry) => entry.type).sort();
		expect(triggers).toEqual(['n8n-nodes-emaillabs.emailLabsCatchUpTrigger', 'n8n-nodes-emaillabs.emailLabsTrigger']);
		for (const trigger of archive.nodes.filter(isTrigger)) expect(archive.connections[trigger.name].main[0]).toEqual([{ node: 'Prepare Event Rows', type: 'main', index: 0 }]);
	});

	it('every Data Table node selects an archive table by its placeholder id and names only its columns', () => {
		const dataTableNodes = [...archive.nodes, ...lookup.nodes].filter((entry) => entry.type === 'n8n-nodes-base.dataTable');
		expect(dataTableNodes.length).toBe(8);
		for (const entry of dataTableNodes) {
			const table = tableOf(entry);
			expect(table).toBeDefined();
			expect(entry.parameters.dataTableId).toEqual({ __rl: true, mode: 'list', value: ARCHIVE_TABLES[table].placeholder, cachedResultName: ARCHIVE_TABLES[table].name });
			expect(entry.parameters.resource).toBe('row');
			const known = [...columns(table), 'id'];
			for (const condition of entry.parameters.filters?.conditions ?? []) expect(known).toContain(condition.keyName);
			if (entry.parameters.orderBy) expect(known).toContain(entry.parameters.orderByColumn);
			for (const key of Object.keys(entry.parameters.columns?.value ?? {})) expect(columns(table)).toContain(key);
		}
		// Upsert and update need at least one condition; the status row is only ever moved forward.
		expect(byName(archive, 'Fill New Status Row').parameters.filters.conditions).toEqual([
			{ keyName: 'messageId', keyValue: '={{ $json.messageId }}' },
			{ keyName: 'eventCount', condition: 'isEmpty' },
		]);
		expect(byName(archive, 'Advance Status Row').parameters.filters.conditions[1]).toEqual({ keyName: 'eventCount', keyValue: '={{ $json.eventCount }}', condition: 'lt' });
		expect(byName(archive, 'Advance Status Row').parameters.matchType).toBe('allConditions');
	});

	it('materialiseExamples leaves the archive examples to the public API; materialiseText puts in the URL and the table ids', () => {
		expect(exampleWorkflows().filter(usesArchiveTables).map((entry) => entry.file)).toEqual(['email-event-archive.json', 'email-status-lookup.json']);
		const dir = mkdtempSync(join(tmpdir(), 'examples-'));
		try {
			const { workflowsDir } = materialiseExamples('http://127.0.0.1:9999', dir);
			expect(readdirSync(workflowsDir).sort()).toEqual(['bounce-complaint-cleanup.json', 'crm-signup-welcome.json', 'daily-deliverability-report.json']);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		const text = materialiseText(readFileSync(join(DIR, 'email-event-archive.json'), 'utf8'), 'http://127.0.0.1:9999', { events: 'EvTableId', status: 'StTableId' });
		expect(text).not.toMatch(/__EMAILLABS_|127\.0\.0\.1:8025/);
		expect(text.match(/EvTableId/g)).toHaveLength(3);
		expect(text.match(/StTableId/g)).toHaveLength(3);
	});

	const event = (messageId: string, eventName: string, status: string, timestamp: number, extra: Json = {}): Json => ({
		event: eventName,
		status,
		email: 'ola@example.com',
		messageId,
		smtpAccount: '1.sandbox.smtp',
		occurredAt: new Date(timestamp * 1000).toISOString(),
		timestamp,
		description: null,
		bounceType: null,
		url: null,
		requestId: 'req-1',
		isRetry: false,
		raw: {},
		...extra,
	});

	it('Prepare Event Rows: one row per event with exactly the event table’s columns, repeats in a batch dropped', () => {
		const rows = runCode(archive, 'Prepare Event Rows', [
			event('m1', 'delivered', 'ok', 100),
			event('m1', 'clicked', 'track', 105, { url: 'https://acme.example/a', source: 'api' }),
			event('m1', 'clicked', 'track', 105, { url: 'https://acme.example/a', source: 'api' }),
			event('m1', 'clicked', 'track', 105, { url: 'https://acme.example/b' }),
		]);
		expect(rows).toHaveLength(3);
		for (const row of rows) expect(Object.keys(row).sort()).toEqual([...columns('events')].sort());
		expect(rows.map((row) => [row.eventKey, row.source])).toEqual([
			['m1|ok|100|', 'webhook'],
			['m1|track|105|https://acme.example/a', 'api'],
			['m1|track|105|https://acme.example/b', 'webhook'],
		]);
		expect(new Date(rows[0].receivedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
	});

	it('Compute Status: several events of one message in one batch, out of order and repeated, give one correct row per message', () => {
		const archived = (id: number, json: Json) => ({ ...runCode(archive, 'Prepare Event Rows', [json])[0], id });
		const history = [
			archived(4, event('m1', 'opened', 'open', 130)),
			archived(1, event('m1', 'delivered', 'ok', 100)),
			archived(2, event('m1', 'opened', 'open', 110)),
			archived(3, event('m1', 'clicked', 'track', 120, { url: 'https://acme.example/a' })),
			archived(5, event('m1', 'clicked', 'track', 120, { url: 'https://acme.example/a' })),
			archived(6, event('m2', 'hardBounce', 'hardbounce', 90, { email: 'gone@bounce.test', bounceType: 'hard', description: '550 user unknown' })),
		];
		expect(runCode(archive, 'Messages Touched', history)).toEqual([{ messageId: 'm1' }, { messageId: 'm2' }]);
		const rows = runCode(archive, 'Compute Status', history);
		for (const row of rows) expect(Object.keys(row).sort()).toEqual([...columns('status')].sort());
		const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
		expect(rows).toEqual([
			{
				messageId: 'm1',
				email: 'ola@example.com',
				smtpAccount: '1.sandbox.smtp',
				event: 'opened',
				status: 'open',
				eventAt: iso(130),
				firstDeliveredAt: iso(100),
				firstOpenedAt: iso(110),
				firstClickedAt: iso(120),
				firstBouncedAt: null,
				bounceType: null,
				bounceReason: null,
				openCount: 2,
				clickCount: 1,
				eventCount: 5,
			},
			{
				messageId: 'm2',
				email: 'gone@bounce.test',
				smtpAccount: '1.sandbox.smtp',
				event: 'hardBounce',
				status: 'hardbounce',
				eventAt: iso(90),
				firstDeliveredAt: null,
				firstOpenedAt: null,
				firstClickedAt: null,
				firstBouncedAt: iso(90),
				bounceType: 'hard',
				bounceReason: '550 user unknown',
				openCount: 0,
				clickCount: 0,
				eventCount: 1,
			},
		]);
		expect(runCode(archive, 'Restore Status Values', [], { 'Compute Status': rows })).toEqual(rows);
	});

	it('Build Answer: 200 with the status row and the history in time order, 404 when nothing is archived', () => {
		const request = (messageId: string) => ({ 'Email Status Request': [{ query: { messageId } }] });
		const system = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
		const rows = [
			{ id: 2, ...system, eventKey: 'm1|open|110|', messageId: 'm1', event: 'opened', timestamp: 110 },
			{ id: 1, ...system, eventKey: 'm1|ok|100|', messageId: 'm1', event: 'delivered', timestamp: 100 },
		];
		const [found] = runCode(lookup, 'Build Answer', rows, { ...request(' <m1> '), 'Get Status Row': [{ id: 7, ...system, messageId: 'm1', status: 'open', openCount: 1 }] });
		expect(found).toEqual({
			statusCode: 200,
			body: {
				messageId: 'm1',
				status: { messageId: 'm1', status: 'open', openCount: 1 },
				history: [
					{ messageId: 'm1', event: 'delivered', timestamp: 100 },
					{ messageId: 'm1', event: 'opened', timestamp: 110 },
				],
			},
		});
		// alwaysOutputData: a Get that finds nothing passes one empty item on.
		const [missing] = runCode(lookup, 'Build Answer', [{}], { ...request('nope'), 'Get Status Row': [{}] });
		expect(missing).toEqual({ statusCode: 404, body: { messageId: 'nope', error: expect.any(String) } });
		expect(byName(lookup, 'Get Status Row').alwaysOutputData).toBe(true);
		expect(byName(lookup, 'Get Event History').alwaysOutputData).toBe(true);
	});
});
