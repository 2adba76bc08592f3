/** The importable example workflows: structure, node parameters, and the EmailLabs steps run against the sandbox. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { EmailLabs } from '../../nodes/EmailLabs/EmailLabs.node';
import { EmailLabsTrigger } from '../../nodes/EmailLabsTrigger/EmailLabsTrigger.node';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { jsonItems, runEmailLabs } from '../../harness/runEmailLabs';
import { LEGACY_KEYS, V2_KEYS } from '../../harness/emailLabsWire';
import type { FakeServer } from '../../harness/fakeServer';
import { call } from './http';

const DIR = join(__dirname, '../../examples');
const ALLOWED_TYPES: Record<string, number[]> = {
	'n8n-nodes-emaillabs.emailLabs': [1],
	'n8n-nodes-emaillabs.emailLabsTrigger': [1.1],
	'n8n-nodes-base.webhook': [2],
	'n8n-nodes-base.scheduleTrigger': [1.2],
	'n8n-nodes-base.httpRequest': [4.2],
	'n8n-nodes-base.set': [3.4],
	'n8n-nodes-base.code': [2],
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

it('has the three example workflows', () => {
	expect(workflowFiles).toEqual(['bounce-complaint-cleanup.json', 'crm-signup-welcome.json', 'daily-deliverability-report.json']);
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
			if (/webhook|Trigger$/.test(entry.type) && entry.type !== 'n8n-nodes-base.scheduleTrigger') expect(entry.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		}
	});

	it('connects only existing nodes, and every node but the trigger has an input', () => {
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
		expect(wf.nodes.filter((entry) => !targets.has(entry.name))).toHaveLength(1);
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
