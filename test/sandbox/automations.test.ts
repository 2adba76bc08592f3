/**
 * The three automations of issue #13 (double opt-in, follow-up after an open, deliverability alert)
 * without n8n: their Data Table nodes against the tables' columns, their Code nodes, the link
 * signature, and the sandbox behaviour they rely on (soft bounces by address, the follow-up template).
 * test/e2e/automations.e2e.test.ts runs them in a real n8n.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import { AUTOMATION_TABLES, EXAMPLE_N8N_URL, exampleWorkflows, materialiseExamples, materialiseText, usesDataTables, type ExampleWorkflow } from '../../scripts/examples';
import { LEGACY_KEYS } from '../../harness/emailLabsWire';
import { call } from './http';

type Json = Record<string, any>;
const DIR = join(__dirname, '../../examples');
const byFile = (file: string) => exampleWorkflows().find((workflow) => workflow.file === file)!;
const optIn = byFile('double-opt-in-discount.json');
const followUp = byFile('follow-up-after-open.json');
const alert = byFile('deliverability-alert.json');
const byName = (wf: ExampleWorkflow, name: string) => wf.nodes.find((entry) => entry.name === name)! as ExampleWorkflow['nodes'][number] & { alwaysOutputData?: boolean; executeOnce?: boolean; credentials?: Json };

/** Runs a Code node's JavaScript (once for all items) with `$input`, `$('Node')` and `$execution`. */
function runCode(wf: ExampleWorkflow, name: string, input: Json[], others: Record<string, Json[]> = {}): Json[] {
	const items = (list: Json[]) => list.map((json) => ({ json }));
	const $input = { all: () => items(input), first: () => items(input)[0] };
	const $ = (node: string) => ({ all: () => items(others[node] ?? []), first: () => items(others[node] ?? [])[0] });
	const run = new Function('$input', '$', '$execution', byName(wf, name).parameters.jsCode as string) as (...args: unknown[]) => Array<{ json: Json }>;
	return run($input, $, { id: '42' }).map((item) => item.json);
}

describe('the Data Table nodes', () => {
	const tableOf = (value: string) => (Object.keys(AUTOMATION_TABLES) as Array<keyof typeof AUTOMATION_TABLES>).find((key) => AUTOMATION_TABLES[key].placeholder === value);

	it.each([
		['double-opt-in-discount.json', 2],
		['follow-up-after-open.json', 3],
		['deliverability-alert.json', 6],
	])('%s: each selects an automation table by placeholder and names only its columns', (file, count) => {
		const nodes = byFile(file).nodes.filter((entry) => entry.type === 'n8n-nodes-base.dataTable');
		expect(nodes).toHaveLength(count);
		for (const entry of nodes) {
			const table = tableOf((entry.parameters.dataTableId as Json).value);
			expect(table).toBeDefined();
			expect(entry.parameters.dataTableId).toEqual({ __rl: true, mode: 'list', value: AUTOMATION_TABLES[table!].placeholder, cachedResultName: AUTOMATION_TABLES[table!].name });
			const columns = AUTOMATION_TABLES[table!].columns.map(([name]) => name);
			for (const condition of (entry.parameters.filters as Json | undefined)?.conditions ?? []) expect([...columns, 'id']).toContain(condition.keyName);
			if (entry.parameters.orderBy) expect(entry.parameters.orderByColumn).toBe('id');
			const mapped = entry.parameters.columns as Json | undefined;
			for (const key of Object.keys(mapped?.value ?? {})) expect(columns).toContain(key);
			for (const column of mapped?.schema ?? []) expect(AUTOMATION_TABLES[table!].columns).toContainEqual([column.id, column.type]);
		}
	});

	it('the examples with tables are left to the public API; materialiseText fills in the tables and n8n’s URL', () => {
		expect(exampleWorkflows().filter(usesDataTables).map((entry) => entry.file)).toEqual([
			'deliverability-alert.json',
			'double-opt-in-discount.json',
			'email-event-archive.json',
			'email-status-lookup.json',
			'follow-up-after-open.json',
		]);
		const dir = mkdtempSync(join(tmpdir(), 'examples-'));
		try {
			expect(readdirSync(materialiseExamples('http://127.0.0.1:9999', dir).workflowsDir)).toHaveLength(3);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		const text = materialiseText(readFileSync(join(DIR, 'double-opt-in-discount.json'), 'utf8'), 'http://127.0.0.1:9999', { optIns: 'OptInTable' }, 'http://n8n.example:5678/');
		expect(text).not.toMatch(/__EMAILLABS_|127\.0\.0\.1:8025/);
		expect(text).not.toContain(EXAMPLE_N8N_URL);
		expect(text).toContain('http://n8n.example:5678/webhook/newsletter-confirm');
		expect(text.match(/OptInTable/g)).toHaveLength(2);
	});
});

describe('double opt-in', () => {
	it('signs `optin|email|expires` with the credential’s secret (Crypto node, HMAC-SHA256, hex); the link carries only email, expiry and signature', () => {
		const sign = byName(optIn, 'Sign Link (HMAC-SHA256)');
		expect(sign.parameters).toMatchObject({ action: 'hmac', type: 'SHA256', encoding: 'hex', value: '={{ $json.payload }}', dataPropertyName: 'signature' });
		expect(sign.credentials).toEqual({ crypto: { id: 'eLexOptInSecret1', name: 'Double opt-in link secret' } });
		// Signup and confirmation build the same payload, so the one Crypto node serves both.
		const payloadOf = (name: string) => (byName(optIn, name).parameters.assignments as Json).assignments.find((entry: Json) => entry.name === 'payload').value;
		expect(payloadOf('Confirmation Link Data')).toContain("'optin|' +");
		expect(payloadOf('Confirmation Request Data')).toContain("'optin|' +");
		const html = byName(optIn, 'Send Confirmation Email').parameters.html as string;
		expect(html.match(/href="([^"]+)"/)![1]).toBe('{{ $json.confirmUrl }}?email={{ encodeURIComponent($json.email) }}&expires={{ $json.expires }}&signature={{ $json.signature }}');
		expect(createHmac('sha256', 'k').update('optin|a@b.c|1').digest('hex')).toMatch(/^[0-9a-f]{64}$/);
	});

	it('checks signature and expiry; the error page is 410 for an expired link, 403 otherwise', () => {
		const check = byName(optIn, 'Link Valid?').parameters.conditions as Json;
		expect(check.combinator).toBe('and');
		expect(check.conditions.map((condition: Json) => condition.leftValue)).toEqual([
			'={{ $json.givenSignature.length === 64 && $json.signature === $json.givenSignature }}',
			'={{ $json.expires >= Math.floor($now.toSeconds()) }}',
		]);
		expect((byName(optIn, 'Respond Invalid Link').parameters.options as Json).responseCode).toContain('? 410 : 403');
		expect(optIn.connections['Link Valid?']).toEqual({ main: [[{ node: 'Claim Discount', type: 'main', index: 0 }], [{ node: 'Respond Invalid Link', type: 'main', index: 0 }]] });
	});
});

describe('follow-up after an open and deliverability alert: the claims', () => {
	it.each([
		[followUp, 'Keep First Opens', 'Claim Follow-Up'],
		[alert, 'Keep First Claims', 'Claim Alert'],
	] as const)('%#: only first rows this execution inserted go on, each once', (wf, name, claim) => {
		const firstRows = [{ id: 3 }, { id: 3 }, { id: 5 }, { id: 9 }];
		expect(runCode(wf, name, firstRows, { [claim]: [{ id: 3 }, { id: 4 }, { id: 9 }] })).toEqual([{ id: 3 }, { id: 9 }]);
		expect(runCode(wf, name, [{ id: 1 }], { [claim]: [{ id: 2 }] })).toEqual([]);
	});

	it('the follow-up claims recipient + campaign and reads the first row of that key', () => {
		expect((byName(followUp, 'Claim Follow-Up').parameters.columns as Json).value.claimKey).toBe("={{ $json.campaign + '|' + String($json.email).toLowerCase() }}");
		expect(byName(followUp, 'First Claim').parameters).toMatchObject({ operation: 'get', limit: 1, orderBy: true, orderByColumn: 'id', orderByDirection: 'ASC' });
		expect(byName(followUp, 'Send Follow-Up').parameters).toMatchObject({ operation: 'sendTemplate', templateId: 'follow-up' });
	});

	const settings = () => runCode(alert, 'Alert Settings', [{ smtpAccount: 'a' }, { smtpAccount: 'b' }, { smtpAccount: 'a' }]);
	const outcomes = (account: string, delivered: number, soft: number, complaints = 0) => [
		...Array.from({ length: delivered }, () => ({ smtpAccount: account, event: 'delivered' })),
		...Array.from({ length: soft }, () => ({ smtpAccount: account, event: 'softBounce' })),
		...Array.from({ length: complaints }, () => ({ smtpAccount: account, event: 'spamComplaint' })),
	].map((row, i) => ({ id: i + 1, ...row }));
	const decide = (rows: Json[], state: Json[] = [{}]) => runCode(alert, 'Decide Alerts', rows, { 'Alert Settings': settings(), 'Read Alert State': state });

	it('Alert Settings: one item per account with the window and thresholds', () => {
		const [first, second] = settings();
		expect(settings()).toHaveLength(2);
		expect(first).toMatchObject({ smtpAccount: 'a', windowMinutes: 15, minOutcomes: 20, softBounceAlert: 0.1, complaintAlert: 0.01, recoverFactor: 0.5 });
		expect(first.since).toBeGreaterThan(Date.now() / 1000 - 15 * 60 - 5);
		expect(second.smtpAccount).toBe('b');
	});

	it('Decide Alerts: alert on crossing, nothing while above, recovered below half the threshold, a new episode after that', () => {
		expect(decide(outcomes('a', 30, 2))).toEqual([]);
		expect(decide(outcomes('a', 5, 5))).toEqual([]); // too few outcomes
		const [crossing] = decide(outcomes('a', 30, 6));
		expect(crossing).toMatchObject({ claimKey: 'a|1|alert', smtpAccount: 'a', kind: 'alert', episode: 1, outcomes: 36, executionId: '42' });
		expect(Object.keys(crossing).sort()).toEqual(AUTOMATION_TABLES.alerts.columns.map(([name]) => name).sort());
		expect(crossing.text).toContain('soft-bounce rate 16.7% (6 of 36)');
		const alerting = [{ id: 7, smtpAccount: 'a', kind: 'alert', episode: 1 }];
		expect(decide(outcomes('a', 30, 9), alerting)).toEqual([]);
		expect(decide(outcomes('a', 100, 9), alerting)).toEqual([]); // 8.3%: below the threshold, not yet below half of it
		expect(decide(outcomes('a', 200, 9), alerting)).toMatchObject([{ claimKey: 'a|1|recovered', kind: 'recovered', episode: 1 }]);
		const recovered = [...alerting, { id: 8, smtpAccount: 'a', kind: 'recovered', episode: 1 }];
		expect(decide(outcomes('a', 200, 9), recovered)).toEqual([]);
		expect(decide(outcomes('a', 190, 23), recovered)).toMatchObject([{ claimKey: 'a|2|alert', episode: 2 }]);
		expect(decide(outcomes('a', 100, 0, 2))).toMatchObject([{ claimKey: 'a|1|alert', complaintRate: 0.02 }]);
		// Account b's state is its own.
		expect(decide([...outcomes('a', 30, 9), ...outcomes('b', 30, 9).map((row) => ({ ...row, id: row.id + 100 }))], alerting)).toMatchObject([{ claimKey: 'b|1|alert' }]);
	});
});

describe('the sandbox for the automations', () => {
	let sandbox: Sandbox;
	beforeAll(async () => (sandbox = await startSandbox({ legacyKeys: LEGACY_KEYS, deliveredDelayMs: 5 })));
	afterAll(async () => await sandbox.close());

	it('…@softbounce.test soft-bounces (not blacklisted); the follow-up template is seeded and renders', async () => {
		const body = new URLSearchParams({ smtp_account: '2.sandbox.smtp', subject: 'Hi', from: 'a@acme.pl', template_id: 'follow-up', 'to[full@softbounce.test]': '', 'to[ok@example.com][vars][campaign]': 'spring-sale' });
		const sent = await call(`${sandbox.url}/api/sendmail_templates`, { auth: [LEGACY_KEYS.appKey, LEGACY_KEYS.secretKey], body: body.toString() });
		expect(sent.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const statusOf = (email: string) => sandbox.events.filter((event) => event.email === email).map((event) => [event.status, event.statusDesc]);
		expect(statusOf('full@softbounce.test')).toEqual([['softbounce', '452 4.2.2 Mailbox full']]);
		expect(statusOf('ok@example.com')).toEqual([['ok', expect.any(String)]]);
		expect(sandbox.blacklist).toEqual([]);
		expect(sandbox.messages.find((message) => message.to.email === 'ok@example.com')!.html).toContain('Still thinking about spring-sale?');
	});
});
