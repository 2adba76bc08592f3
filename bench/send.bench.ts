/**
 * `npm run bench:send`: 1,000 items through Email → Send Template in n8n's execution engine against
 * the fake EmailLabs server with 20 ms of latency per request, batched (our default) versus one
 * API call per item (how n8n's built-in email nodes send), measured in the same run.
 */
import { jsonItems, runEmailLabs, sendTemplateParameters } from '../harness/runEmailLabs';
import { emailLabs, legacySendAnswer } from '../harness/emailLabsWire';
import { FakeServer } from '../harness/fakeServer';

/** BENCH_SMOKE=1: a tiny run that only proves the benchmark still works (see test/bench). */
const SMOKE = process.env.BENCH_SMOKE === '1';
const ITEMS = SMOKE ? 60 : 1000;
const WARMUP_RUNS = SMOKE ? 0 : 2;
const BATCHED_RUNS = SMOKE ? 1 : 5;
const LATENCY_MS = 20;

const parameters = (batching: boolean) => ({ ...sendTemplateParameters, options: { batching } });

async function measure(server: FakeServer, batching: boolean) {
	server.reset();
	server.on('POST', '/api/sendmail_templates', emailLabs('legacy', legacySendAnswer));
	const items = jsonItems(...Array.from({ length: ITEMS }, (_, i) => ({ email: `user${i}@example.com`, name: `User ${i}` })));
	const started = process.hrtime.bigint();
	const result = await runEmailLabs({ api: 'legacy', server, parameters: parameters(batching), items });
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (result.error) throw new Error(`run failed: ${result.error.message}`);
	const ids = new Set(result.items.map((item) => item.json.messageId));
	if (result.items.length !== ITEMS || ids.size !== ITEMS) throw new Error('every item must get its own Message ID');
	return { ms, requests: server.requests.length };
}

async function main() {
	const server = await FakeServer.start({ latencyMs: LATENCY_MS });
	try {
		// Warm-up (module loading, JIT), then the median of five batched runs: one run of 0.5 s is noisy.
		for (let i = 0; i < WARMUP_RUNS; i++) await measure(server, true);
		const runs = [];
		for (let i = 0; i < BATCHED_RUNS; i++) runs.push(await measure(server, true));
		const batched = runs.sort((a, b) => a.ms - b.ms)[BATCHED_RUNS >> 1];
		const perItem = await measure(server, false);
		const speedup = perItem.ms / batched.ms;
		console.log(`items: ${ITEMS}, simulated latency: ${LATENCY_MS} ms per request`);
		console.log(`batched:  ${batched.requests} requests, ${batched.ms.toFixed(0)} ms (median of ${runs.map((run) => run.ms.toFixed(0)).join(', ')} ms)`);
		console.log(`per item: ${perItem.requests} requests, ${perItem.ms.toFixed(0)} ms`);
		console.log(`requests ratio: ${(perItem.requests / batched.requests).toFixed(0)}x fewer, wall time: ${speedup.toFixed(1)}x faster`);
		console.log(
			JSON.stringify({
				bench: 'send',
				items: ITEMS,
				requests: batched.requests,
				perItemRequests: perItem.requests,
				batchedMs: Math.round(batched.ms),
				perItemMs: Math.round(perItem.ms),
				speedup: Number(speedup.toFixed(1)),
			}),
		);
	} finally {
		await server.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
