/**
 * `npm run bench:e2e`: 500 requests of 10 events each to the EmailLabs Trigger and the same payload
 * to n8n's built-in Webhook node, in one running n8n (the pinned version, package installed from
 * its tarball). Latency is measured one request at a time (p50, p95); throughput with 8 in flight.
 * Ratios: EmailLabs Trigger / Webhook for latency, Webhook / EmailLabs Trigger for throughput.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	ROOT,
	cleanDir,
	freePort,
	installCommunityPackage,
	n8nCli,
	packPackage,
	provision,
	startN8n,
	waitFor,
} from '../scripts/n8nInstance';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const EVENTS_PER_REQUEST = 10;
const CONCURRENCY = 8;
const SECRET = 'bench-webhook-secret';
const TRIGGER_WEBHOOK_ID = '7d1e0c55-0b8e-4c1a-9a51-benchtrigger1';
const PLAIN_WEBHOOK_ID = '7d1e0c55-0b8e-4c1a-9a51-benchwebhook1';
const AUTH_WEBHOOK_ID = '7d1e0c55-0b8e-4c1a-9a51-benchwebhook2';
const HEADER_AUTH = { name: 'X-Bench-Key', value: 'bench-header-value' };

const noOp = (name: string) => ({ id: `${name}-noop`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} });

const workflows = [
	{
		id: 'benchElTrigger01',
		name: 'Bench: EmailLabs Trigger',
		nodes: [
			{
				id: 'bench-trigger',
				name: 'EmailLabs Trigger',
				type: 'n8n-nodes-emaillabs.emailLabsTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: { events: ['delivered', 'hardBounce', 'softBounce', 'opened', 'clicked'], options: JSON.parse(process.env.BENCH_TRIGGER_OPTIONS ?? '{}') },
				...(process.env.BENCH_NO_CREDENTIAL ? {} : { credentials: { emailLabsWebhookApi: { id: 'benchWebhookCred', name: 'Bench webhook' } } }),
			},
			noOp('trigger'),
		],
		connections: { 'EmailLabs Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	},
	{
		id: 'benchWebhook0001',
		name: 'Bench: Webhook',
		nodes: [
			{
				id: 'bench-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: PLAIN_WEBHOOK_ID,
				parameters: { httpMethod: 'POST', path: 'bench-plain', options: {} },
			},
			noOp('webhook'),
		],
		connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	},
	// For context only (not in the ratios): the Webhook node when it, too, reads a credential per request.
	{
		id: 'benchWebhookAuth',
		name: 'Bench: Webhook with Header Auth',
		nodes: [
			{
				id: 'bench-webhook-auth',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: AUTH_WEBHOOK_ID,
				parameters: { httpMethod: 'POST', path: 'bench-auth', authentication: 'headerAuth', options: {} },
				credentials: { httpHeaderAuth: { id: 'benchHeaderAuth', name: 'Bench header auth' } },
			},
			noOp('auth'),
		],
		connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	},
];

let sequence = 0;
function payload(): { body: string; headers: Record<string, string> } {
	const batch = ++sequence;
	const statusTime = Math.floor(Date.now() / 1000);
	const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
		smtpAccount: '1.bench.smtp',
		to: { email: `user${batch}-${i}@example.com`, name: '', messageId: `<${batch}-${i}@bench.example>` },
		from: { email: 'hello@bench.example', name: 'Bench' },
		subject: 'Hello',
		tags: ['bench'],
		status: ['ok', 'hardbounce', 'open', 'track', 'softbounce'][i % 5],
		statusTime,
		statusDesc: '250 OK',
		allStatuses: [],
	}));
	const date = new Date().toISOString().replace('T', ' ').slice(0, 19);
	const requestId = `bench-${process.pid}-${batch}`;
	return {
		body: JSON.stringify(events),
		headers: {
			'content-type': 'application/json',
			[HEADER_AUTH.name]: HEADER_AUTH.value,
			'X-Webhook-Date': date,
			'Request-Id': requestId,
			'X-Webhook-Checksum': createHash('sha1').update(`${SECRET}|${date}|${requestId}`).digest('hex'),
		},
	};
}

async function post(url: string): Promise<number> {
	const { body, headers } = payload();
	const started = process.hrtime.bigint();
	const response = await fetch(url, { method: 'POST', headers, body });
	await response.arrayBuffer();
	if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
	return Number(process.hrtime.bigint() - started) / 1e6;
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function measure(url: string) {
	for (let i = 0; i < 20; i++) await post(url); // warm-up
	const latencies: number[] = [];
	for (let i = 0; i < REQUESTS; i++) latencies.push(await post(url));
	let next = 0;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next++ < REQUESTS) await post(url);
		}),
	);
	const seconds = (Date.now() - started) / 1000;
	return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), throughput: REQUESTS / seconds };
}

async function main() {
	const provisioned = provision();
	const runDir = join(ROOT, '.e2e', 'runs', `bench-${process.pid}`);
	cleanDir(runDir);
	const port = await freePort();
	const options = { provisioned, stateDir: join(runDir, 'n8n'), port, brokerPort: await freePort(), extraEnv: { N8N_LOG_LEVEL: 'warn', ...JSON.parse(process.env.BENCH_N8N_ENV ?? '{}') } };
	installCommunityPackage(options.stateDir, packPackage(join(runDir, 'pack')), provisioned.node);
	mkdirSync(join(runDir, 'workflows'), { recursive: true });
	writeFileSync(
		join(runDir, 'credentials.json'),
		JSON.stringify([
			{ id: 'benchWebhookCred', name: 'Bench webhook', type: 'emailLabsWebhookApi', data: { secretKey: SECRET } },
			{ id: 'benchHeaderAuth', name: 'Bench header auth', type: 'httpHeaderAuth', data: HEADER_AUTH },
		]),
	);
	workflows.forEach((workflow) => writeFileSync(join(runDir, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow)));
	n8nCli(options, ['import:credentials', `--input=${join(runDir, 'credentials.json')}`]);
	n8nCli(options, ['import:workflow', '--separate', `--input=${join(runDir, 'workflows')}`]);
	for (const workflow of workflows) n8nCli(options, ['publish:workflow', `--id=${workflow.id}`]);
	const n8n = await startN8n(options);
	try {
		const triggerUrl = `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		const webhookUrl = `${n8n.url}/webhook/bench-plain`;
		const authWebhookUrl = `${n8n.url}/webhook/bench-auth`;
		await waitFor('the webhooks', async () => {
			const codes = await Promise.all(
				[triggerUrl, webhookUrl, authWebhookUrl].map(
					async (url) =>
						(await fetch(url, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', [HEADER_AUTH.name]: HEADER_AUTH.value } })).status,
				),
			);
			return codes.every((code) => code === 200) ? true : undefined;
		});
		const webhook = await measure(webhookUrl);
		const trigger = await measure(triggerUrl);
		const authWebhook = await measure(authWebhookUrl);
		const round = (value: number, digits = 2) => Number(value.toFixed(digits));
		console.log(`requests: ${REQUESTS} x ${EVENTS_PER_REQUEST} events; throughput with ${CONCURRENCY} in flight`);
		console.log(`Webhook node:      p50 ${webhook.p50.toFixed(1)} ms, p95 ${webhook.p95.toFixed(1)} ms, ${webhook.throughput.toFixed(0)} req/s`);
		console.log(`EmailLabs Trigger: p50 ${trigger.p50.toFixed(1)} ms, p95 ${trigger.p95.toFixed(1)} ms, ${trigger.throughput.toFixed(0)} req/s`);
		console.log(`(context) Webhook node with Header Auth: p50 ${authWebhook.p50.toFixed(1)} ms, p95 ${authWebhook.p95.toFixed(1)} ms, ${authWebhook.throughput.toFixed(0)} req/s`);
		console.log(
			JSON.stringify({
				bench: 'e2e',
				requests: REQUESTS,
				eventsPerRequest: EVENTS_PER_REQUEST,
				p50Ms: round(trigger.p50, 1),
				p95Ms: round(trigger.p95, 1),
				webhookP50Ms: round(webhook.p50, 1),
				webhookP95Ms: round(webhook.p95, 1),
				p50Ratio: round(trigger.p50 / webhook.p50),
				p95Ratio: round(trigger.p95 / webhook.p95),
				throughputRatio: round(webhook.throughput / trigger.throughput),
				authWebhookP50Ms: round(authWebhook.p50, 1),
				p50RatioVsAuthWebhook: round(trigger.p50 / authWebhook.p50),
			}),
		);
	} finally {
		await n8n.stop();
		rmSync(runDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
