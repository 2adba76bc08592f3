/**
 * `npm run bench:queue`: the EmailLabs Trigger in n8n's queue mode (PostgreSQL, Redis, main, two
 * workers with concurrency 10, one webhook processor) against the same n8n in one process, on the
 * same machine in one run. For each mode: throughput (200 signed batches of 10 events, 20 at a
 * time) and the answer time at sustained request rates (open loop: requests leave on a fixed
 * schedule whatever the answers do), p50 / p95 / p99, and the highest rate whose p99 stays under
 * 500 ms (EmailLabs waits about that long for an answer), once with the trigger answering at
 * once and once answering after the workflow has run (Respond option). Last line: one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../sandbox/server';
import { materialiseExamples } from '../scripts/examples';
import { cleanDir, createApiKey, login, packPackage, provision, startExampleInstance, stopExampleInstance, waitFor } from '../scripts/n8nInstance';
import { ROOT } from '../scripts/paths';
import { startQueueCluster } from '../scripts/queueCluster';
import { deliveredEventsWorkflow, publicApi, signedJsonHeaders } from '../harness/realN8n';

const SECRET = 'sandbox-webhook-secret';
const WEBHOOK_ID = '0b7c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4';
const AFTER_RUN_WEBHOOK_ID = '5e2a9c1b-7d3f-4e8a-9b6c-1f0d2e3a4b5c';
const SMOKE = process.env.BENCH_SMOKE === '1';
const RATES = SMOKE ? [2] : [2, 5, 10, 15, 20];
const SECONDS_PER_RATE = SMOKE ? 3 : 15;
const THROUGHPUT_REQUESTS = SMOKE ? 20 : 200;

let counter = 0;
function request(url: string) {
	const b = ++counter;
	const body = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ to: { email: `b${b}-${i}@example.com`, messageId: `<bench-${b}-${i}-${randomUUID()}@acme.example>` }, status: 'ok', statusTime: 1790326800 + b })));
	return async () => {
		const started = performance.now();
		const response = await fetch(url, { method: 'POST', headers: signedJsonHeaders(SECRET, randomUUID()), body });
		await response.arrayBuffer();
		return { ms: performance.now() - started, status: response.status };
	};
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
};

async function measure(url: string) {
	// Throughput: 20 in flight until all are answered.
	const tasks = Array.from({ length: THROUGHPUT_REQUESTS }, () => request(url));
	let next = 0;
	const started = performance.now();
	await Promise.all(Array.from({ length: 20 }, async () => {
		while (next < tasks.length) await tasks[next++]();
	}));
	const throughput = Math.round((THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000)) * 10) / 10;
	const rates = [];
	for (const rate of RATES) {
		const pending: Array<Promise<{ ms: number; status: number }>> = [];
		const total = rate * SECONDS_PER_RATE;
		const t0 = performance.now();
		for (let i = 0; i < total; i++) {
			const due = t0 + (i * 1000) / rate;
			const wait = due - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			pending.push(request(url)());
		}
		const results = await Promise.all(pending);
		const ms = results.map((result) => result.ms);
		rates.push({ rate, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), errors: results.filter((result) => result.status !== 200).length });
		await new Promise((resolve) => setTimeout(resolve, 3000));
	}
	const ok = rates.filter((entry) => entry.p99 < 500 && entry.errors === 0);
	return { throughput, rates, maxRateP99Under500: ok.length ? Math.max(...ok.map((entry) => entry.rate)) : 0 };
}

/** The trigger answering at once and answering after the run, one workflow each. */
async function measureBoth(api: ReturnType<typeof publicApi>, webhookBaseUrl: string) {
	const measured: Record<'immediately' | 'afterRun', Awaited<ReturnType<typeof measure>>> = {} as never;
	for (const [respond, webhookId] of [['immediately', WEBHOOK_ID], ['afterRun', AFTER_RUN_WEBHOOK_ID]] as const) {
		const workflow = deliveredEventsWorkflow(`bench ${respond}`, webhookId, { id: 'eLsandboxWebhook', name: 'EmailLabs Sandbox webhook' });
		if (respond === 'afterRun') (workflow.nodes[0].parameters as Record<string, unknown>).respond = 'lastNode';
		const { id } = await api('POST', '/workflows', workflow);
		await api('POST', `/workflows/${id}/activate`);
		const url = `${webhookBaseUrl}/webhook/${webhookId}/webhook`;
		await waitFor('activation', async () => ((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status === 200 ? true : undefined), 60_000);
		measured[respond] = await measure(url);
		await api('POST', `/workflows/${id}/deactivate`);
	}
	return measured;
}

async function main() {
	const sandbox = await startSandbox({ port: 0, webhooks: [] });
	const results: Record<string, Awaited<ReturnType<typeof measureBoth>>> = {};

	const single = await startExampleInstance({ name: 'bench-single', sandboxUrl: sandbox.url, publish: [] });
	try {
		const key = await createApiKey(single.n8n.url, await login(single.n8n.url));
		results.single = await measureBoth(publicApi(() => single.n8n.url, () => key), single.n8n.url);
	} finally {
		await stopExampleInstance(single);
	}

	const runDir = join(ROOT, '.e2e', 'runs', `bench-queue-${process.pid}`);
	cleanDir(runDir);
	const { credentialsFile } = materialiseExamples(sandbox.url, join(runDir, 'examples'));
	const cluster = await startQueueCluster({ provisioned: provision(), runDir, tarball: packPackage(join(runDir, 'pack')), prepare: (cli) => cli(['import:credentials', `--input=${credentialsFile}`]) });
	try {
		const key = await createApiKey(cluster.main.url, await login(cluster.main.url));
		results.queue = await measureBoth(publicApi(() => cluster.main.url, () => key), cluster.webhookUrl);
	} finally {
		await cluster.stop();
		await sandbox.close();
		rmSync(runDir, { recursive: true, force: true });
	}

	console.log('| mode | respond | throughput req/s | rate req/s: p50 / p95 / p99 ms (errors) | highest rate with p99 < 500 ms |');
	console.log('| --- | --- | ---: | --- | ---: |');
	for (const [mode, both] of Object.entries(results)) {
		for (const [respond, result] of Object.entries(both)) {
			console.log(`| ${mode} | ${respond} | ${result.throughput} | ${result.rates.map((entry) => `${entry.rate}: ${entry.p50} / ${entry.p95} / ${entry.p99} (${entry.errors})`).join('; ')} | ${result.maxRateP99Under500} |`);
		}
	}
	const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
	console.log(
		JSON.stringify({
			bench: 'queue',
			eventsPerRequest: 10,
			single: results.single,
			queue: results.queue,
			throughputRatioQueueVsSingle: ratio(results.queue.immediately.throughput, results.single.immediately.throughput),
			throughputRatioAfterRunVsImmediately: { single: ratio(results.single.afterRun.throughput, results.single.immediately.throughput), queue: ratio(results.queue.afterRun.throughput, results.queue.immediately.throughput) },
		}),
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
