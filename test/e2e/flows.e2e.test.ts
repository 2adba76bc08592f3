/**
 * End to end in a real n8n: the pinned n8n (scripts/provision.mjs) with the packed package installed
 * in its community-nodes folder, the EmailLabs sandbox, and the example workflows imported with the
 * n8n CLI. Everything runs on 127.0.0.1 and free ports, and is stopped afterwards.
 */
import { createHash } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import { exampleWorkflows } from '../../scripts/examples';
import {
	createApiKey,
	freePort,
	login,
	startExampleInstance,
	stopExampleInstance,
	waitFor,
	type ExampleInstance,
	type RunningN8n,
} from '../../scripts/n8nInstance';
import { signedJsonHeaders as signed } from '../../harness/realN8n';

const WEBHOOK_SECRET = 'sandbox-webhook-secret';
const PANEL_NAME = 'sandbox';

let sandbox: Sandbox;
let instance: ExampleInstance;
let n8n: RunningN8n;
let apiKey: string;
let cookie: string;

const workflows = exampleWorkflows();
const welcome = workflows.find((workflow) => workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook'))!;
const cleanup = workflows.find((workflow) => workflow.nodes.some((node) => node.type === 'n8n-nodes-emaillabs.emailLabsTrigger'))!;
const triggerWebhookId = cleanup.nodes.find((node) => node.type === 'n8n-nodes-emaillabs.emailLabsTrigger')!.webhookId!;
const signupPath = welcome.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!.parameters.path as string;

const triggerUrl = () => `${n8n.url}/webhook/${triggerWebhookId}/webhook`;

async function api(method: string, path: string, body?: unknown) {
	const response = await fetch(`${n8n.url}/api/v1${path}`, {
		method,
		headers: { 'X-N8N-API-KEY': apiKey, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function executions(workflowId: string): Promise<Array<{ id: string; status: string }>> {
	const { body } = await api('GET', `/executions?workflowId=${workflowId}&limit=100`);
	return body.data;
}

async function settledExecutions(workflowId: string, count: number) {
	return await waitFor(`${count} finished execution(s) of ${workflowId}`, async () => {
		const list = await executions(workflowId);
		return list.length >= count && list.every((execution) => execution.status !== 'running' && execution.status !== 'new') ? list : undefined;
	}, 30_000);
}

const signedJsonHeaders = (requestId: string) => signed(WEBHOOK_SECRET, requestId);

const hardBounce = (email: string, messageId: string) => ({
	smtpAccount: '1.sandbox.smtp',
	to: { email, name: '', messageId: `<${messageId}>` },
	from: { email: 'hello@acme.example', name: 'Acme' },
	subject: 'Welcome',
	tags: null,
	status: 'hardbounce',
	statusTime: Math.floor(Date.now() / 1000),
	statusDesc: '550 5.1.1 user unknown',
	allStatuses: [],
});

beforeAll(async () => {
	const port = await freePort();
	sandbox = await startSandbox({
		port: 0,
		deliveredDelayMs: 100,
		retryDelaysMs: [500, 1000],
		webhooks: [{ url: `http://127.0.0.1:${port}/webhook/${triggerWebhookId}/webhook`, format: 'json', secretKey: WEBHOOK_SECRET }],
	});
	instance = await startExampleInstance({ name: 'flows', sandboxUrl: sandbox.url, publish: [welcome.id, cleanup.id], port });
	n8n = instance.n8n;
	cookie = await login(n8n.url);
	apiKey = await createApiKey(n8n.url, cookie);
	// Activation at boot is asynchronous: wait until both production webhooks answer.
	await waitFor('the production webhooks', async () => {
		const trigger = await fetch(triggerUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
		return trigger.status === 200 ? true : undefined;
	}, 60_000);
}, 15 * 60_000);

afterAll(async () => {
	await stopExampleInstance(instance);
	await sandbox?.close();
});

describe('the package in a real n8n', () => {
	it('is loaded from the community-nodes folder with both nodes and both credentials', async () => {
		// The editor's type catalogues: every installed node and credential type is listed by name.
		const nodeTypes = await (await fetch(`${n8n.url}/types/nodes.json`, { headers: { cookie } })).text();
		expect(nodeTypes).toContain('"n8n-nodes-emaillabs.emailLabs"');
		expect(nodeTypes).toContain('"n8n-nodes-emaillabs.emailLabsTrigger"');
		const credentialTypes = await (await fetch(`${n8n.url}/types/credentials.json`, { headers: { cookie } })).text();
		expect(credentialTypes).toContain('"emailLabsApi"');
		expect(credentialTypes).toContain('"emailLabsWebhookApi"');
		expect(n8n.logs.join('')).not.toMatch(/n8n-nodes-emaillabs[^\n]*(failed|error)/i);
	});

	it('ran the trigger’s create() on activation, which tells the user where to paste the URL', async () => {
		await waitFor('create() log line', async () => (n8n.logs.join('').includes(`Paste ${triggerUrl()}`) ? true : undefined), 30_000);
		const { body } = await api('GET', `/workflows/${cleanup.id}`);
		expect(JSON.stringify(body.staticData ?? {})).toContain(triggerUrl());
	});

	it('CRM signup → one welcome email with the contact’s variables and the Message ID in the output', async () => {
		const response = await fetch(`${n8n.url}/webhook/${signupPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'jan@example.com', firstName: 'Jan', company: 'Acme' }),
		});
		expect(response.status).toBe(200);
		const [execution] = await settledExecutions(welcome.id, 1);
		expect(execution.status).toBe('success');
		const messages = await waitFor('the welcome email', async () => (sandbox.messages.length ? sandbox.messages : undefined));
		expect(messages).toHaveLength(1);
		const message = messages[0] as unknown as Record<string, unknown>;
		expect(JSON.stringify(message)).toContain('jan@example.com');
		expect(JSON.stringify(message)).toContain('Jan');
		const { body } = await api('GET', `/executions/${execution.id}?includeData=true`);
		const sent = body.data.resultData.runData['Send Welcome Email'][0].data.main[0][0].json;
		expect(sent.messageId).toMatch(/@acme\.example$/);
		expect(JSON.stringify(message)).toContain(sent.messageId);
	});

	it('a signed hard bounce from the sandbox → clean-up runs once: blacklisted and the CRM told', async () => {
		const before = (await executions(cleanup.id)).length;
		await fetch(`${n8n.url}/webhook/${signupPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'gone@bounce.test', firstName: 'Gone', company: 'Acme' }),
		});
		await waitFor('the CRM stand-in call', async () => (sandbox.crm.some((call) => call.email === 'gone@bounce.test') ? true : undefined), 30_000);
		await sandbox.webhooksSettled(10_000);
		const list = await settledExecutions(cleanup.id, before + 1);
		expect(list).toHaveLength(before + 1);
		expect(list.every((execution) => execution.status === 'success')).toBe(true);
		expect(sandbox.blacklist.filter((entry) => entry.email === 'gone@bounce.test').length).toBeGreaterThanOrEqual(1);
		expect(sandbox.crm.filter((call) => call.email === 'gone@bounce.test')).toHaveLength(1);
	});

	it('a forged checksum is answered 401 and starts nothing; a re-sent batch starts nothing', async () => {
		const before = (await executions(cleanup.id)).length;
		const body = JSON.stringify([hardBounce('forged@example.com', 'f1@acme.example')]);
		const forged = await fetch(triggerUrl(), { method: 'POST', headers: { ...signedJsonHeaders('req-forged'), 'X-Webhook-Checksum': '0'.repeat(40) }, body });
		expect(forged.status).toBe(401);

		const headers = signedJsonHeaders('req-e2e-once');
		const batch = JSON.stringify([hardBounce('once@example.com', 'o1@acme.example')]);
		const first = await fetch(triggerUrl(), { method: 'POST', headers, body: batch });
		expect(first.status).toBe(200);
		await settledExecutions(cleanup.id, before + 1);
		// EmailLabs' retry: the same batch, the same Request-Id (n8n saved what the first run recorded).
		const again = await fetch(triggerUrl(), { method: 'POST', headers, body: batch });
		expect(again.status).toBe(200);
		await new Promise((resolveWait) => setTimeout(resolveWait, 1500));
		expect(await executions(cleanup.id)).toHaveLength(before + 1);
	});

	it('a legacy Event API `p` batch runs', async () => {
		const before = (await executions(cleanup.id)).length;
		const ts = String(Math.floor(Date.now() / 1000));
		const mt = `${ts}.123456`;
		const events = [{ ...hardBounce('legacy@example.com', 'l1@acme.example') }];
		const response = await fetch(triggerUrl(), {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'X-EMAILLABS-EV': 'NEW_EVENTS',
				'X-EMAILLABS-TS': ts,
				'X-EMAILLABS-MT': mt,
				'X-EMAILLABS-ID': createHash('md5').update(`${ts}|${mt}|${PANEL_NAME}|${WEBHOOK_SECRET}`).digest('hex'),
			},
			body: new URLSearchParams({ p: Buffer.from(JSON.stringify(events)).toString('base64') }).toString(),
		});
		expect(response.status).toBe(200);
		const list = await settledExecutions(cleanup.id, before + 1);
		expect(list).toHaveLength(before + 1);
	});

	it('a signed batch without a content type runs (typeVersion 1.1: n8n leaves such a body unread)', async () => {
		const before = (await executions(cleanup.id)).length;
		const headers: Record<string, string> = signedJsonHeaders('req-e2e-no-content-type');
		delete headers['content-type'];
		// A Buffer body: with a string, fetch would add text/plain itself.
		const body = Buffer.from(JSON.stringify([hardBounce('untyped@example.com', 'u1@acme.example')]));
		const response = await fetch(triggerUrl(), { method: 'POST', headers, body });
		expect(response.status).toBe(200);
		const list = await settledExecutions(cleanup.id, before + 1);
		expect(list).toHaveLength(before + 1);
	});

	it('deactivation runs delete() and the production URL stops answering', async () => {
		const { status } = await api('POST', `/workflows/${cleanup.id}/deactivate`);
		expect(status).toBe(200);
		await waitFor('delete() log line', async () => (n8n.logs.join('').includes('EmailLabs Trigger: deactivated') ? true : undefined), 30_000);
		await waitFor('the URL to be unregistered', async () => ((await fetch(triggerUrl(), { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' } })).status === 404 ? true : undefined), 30_000);
	});
});
