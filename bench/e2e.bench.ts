/**
 * `npm run bench:e2e`: 500 requests of 10 events each to the EmailLabs Trigger and the same payload
 * to n8n's built-in Webhook node (plain, and with Header Auth for context), in one running n8n (the
 * pinned version, package installed from its tarball), once with n8n's default settings and once
 * with lazy expression isolates (see CONFIGURATIONS). Latency is measured one request at a time (p50, p95); throughput with 8 in flight.
 * The targets are measured alternately (see measureAll).
 * Ratios: EmailLabs Trigger / Webhook for latency, Webhook / EmailLabs Trigger for throughput.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	cleanDir,
	freePort,
	installCommunityPackage,
	n8nCli,
	packPackage,
	provision,
	startN8n,
	waitFor,
} from '../scripts/n8nInstance';
import { ROOT } from '../scripts/paths';

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

const ROUNDS = 5;

interface Measurement {
	p50: number;
	p95: number;
	throughput: number;
}

/**
 * Measures every target under the same conditions: latency requests alternate between the
 * targets one by one, and throughput runs in rounds that alternate too, so neither warm-up,
 * database growth nor machine load favours whichever target happens to be measured first.
 */
async function measureAll(urls: string[]): Promise<Measurement[]> {
	for (const url of urls) for (let i = 0; i < 20; i++) await post(url); // warm-up
	const latencies = urls.map((): number[] => []);
	for (let i = 0; i < REQUESTS; i++) {
		for (const [index, url] of urls.entries()) latencies[index].push(await post(url));
	}
	const busyMs = urls.map(() => 0);
	const perRound = Math.ceil(REQUESTS / ROUNDS);
	for (let round = 0; round < ROUNDS; round++) {
		for (const [index, url] of urls.entries()) {
			let next = 0;
			const started = process.hrtime.bigint();
			await Promise.all(
				Array.from({ length: CONCURRENCY }, async () => {
					while (next++ < perRound) await post(url);
				}),
			);
			busyMs[index] += Number(process.hrtime.bigint() - started) / 1e6;
		}
	}
	return urls.map((_, index) => ({
		p50: percentile(latencies[index], 50),
		p95: percentile(latencies[index], 95),
		throughput: (perRound * ROUNDS) / (busyMs[index] / 1000),
	}));
}

/**
 * n8n 2.41's default expression engine takes an isolated-vm isolate (~45 ms of CPU here) for the
 * webhook phase of every request except for its own Webhook node without authentication (an
 * authenticated one takes it to read the credential), and one more per execution.
 * `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE` (an n8n setting) takes one only when an expression
 * actually runs, which charges every node alike: that run shows the node's own cost.
 */
const CONFIGURATIONS = [
	{ name: 'defaults', env: {} },
	{ name: 'lazyIsolates', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
] as const;

interface Targets {
	webhook: Measurement;
	trigger: Measurement;
	authWebhook: Measurement;
}

async function measureConfiguration(runDir: string, env: Record<string, string>): Promise<Targets> {
	const provisioned = provision();
	cleanDir(runDir);
	const port = await freePort();
	const options = {
		provisioned,
		stateDir: join(runDir, 'n8n'),
		port,
		brokerPort: await freePort(),
		extraEnv: { N8N_LOG_LEVEL: 'warn', ...env, ...JSON.parse(process.env.BENCH_N8N_ENV ?? '{}') },
	};
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
		const urls = [`${n8n.url}/webhook/bench-plain`, `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`, `${n8n.url}/webhook/bench-auth`];
		await waitFor('the webhooks', async () => {
			const codes = await Promise.all(
				urls.map(
					async (url) =>
						(await fetch(url, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', [HEADER_AUTH.name]: HEADER_AUTH.value } })).status,
				),
			);
			return codes.every((code) => code === 200) ? true : undefined;
		});
		const [webhook, trigger, authWebhook] = await measureAll(urls);
		return { webhook, trigger, authWebhook };
	} finally {
		await n8n.stop();
		rmSync(runDir, { recursive: true, force: true });
	}
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Latency ratios trigger / baseline, throughput ratio baseline / trigger (above 1: the trigger is slower). */
const ratios = (trigger: Measurement, baseline: Measurement) => ({
	p50Ratio: round(trigger.p50 / baseline.p50),
	p95Ratio: round(trigger.p95 / baseline.p95),
	throughputRatio: round(baseline.throughput / trigger.throughput),
});

const formatLine = (label: string, measurement: Measurement) =>
	`  ${label.padEnd(34)} p50 ${measurement.p50.toFixed(1).padStart(6)} ms, p95 ${measurement.p95.toFixed(1).padStart(6)} ms, ${measurement.throughput.toFixed(0).padStart(4)} req/s`;

async function main() {
	const results: Record<string, Targets> = {};
	for (const configuration of CONFIGURATIONS) {
		const measured = await measureConfiguration(join(ROOT, '.e2e', 'runs', `bench-${process.pid}-${configuration.name}`), configuration.env);
		results[configuration.name] = measured;
		console.log(`n8n ${configuration.name}: ${REQUESTS} requests x ${EVENTS_PER_REQUEST} events each; throughput with ${CONCURRENCY} in flight`);
		console.log(formatLine('Webhook node', measured.webhook));
		console.log(formatLine('EmailLabs Trigger', measured.trigger));
		console.log(formatLine('Webhook node with Header Auth', measured.authWebhook));
	}
	const { defaults, lazyIsolates } = results;
	console.log(
		JSON.stringify({
			bench: 'e2e',
			requests: REQUESTS,
			eventsPerRequest: EVENTS_PER_REQUEST,
			// The ratios: EmailLabs Trigger against the plain Webhook node, n8n's default settings.
			...ratios(defaults.trigger, defaults.webhook),
			p50Ms: round(defaults.trigger.p50, 1),
			webhookP50Ms: round(defaults.webhook.p50, 1),
			// Same settings, against the Webhook node when it also checks each request (Header Auth).
			vsAuthenticatedWebhook: ratios(defaults.trigger, defaults.authWebhook),
			// n8n taking expression isolates only when needed: every node charged alike.
			lazyIsolates: {
				...ratios(lazyIsolates.trigger, lazyIsolates.webhook),
				p50Ms: round(lazyIsolates.trigger.p50, 1),
				webhookP50Ms: round(lazyIsolates.webhook.p50, 1),
			},
		}),
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
