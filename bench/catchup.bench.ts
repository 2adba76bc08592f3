/**
 * Benchmark of the EmailLabs Catch-Up Trigger catching up a backlog: the real node class polled
 * through n8n-core's PollTriggerExecutor (harness/runPoll.ts) against the sandbox in this process,
 * holding 100,000 delivered events spread over the last 24 hours, with 20 ms latency per list
 * page. Polls run back to back until one finds nothing new. Reported: events/s, pages fetched,
 * the peak heap growth during a poll (sampled every 5 ms here, not in node code), and the cost of
 * the de-duplication check per event (has + add) on a memory filled to capacity against an empty
 * one, in the same run.
 *
 * Run: npm run bench:catchup. The last line is one JSON object for CI.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { EmailLabsApi } from '../credentials/EmailLabsApi.credentials';
import { LEGACY_KEYS, V2_KEYS } from '../harness/emailLabsWire';
import { PollHarness } from '../harness/runPoll';
import { EmailLabsCatchUpTrigger } from '../nodes/EmailLabsCatchUpTrigger/EmailLabsCatchUpTrigger.node';
import { DEDUPE_CAPACITY } from '../nodes/EmailLabsTrigger/pipeline/constants';
import { fingerprint } from '../nodes/EmailLabsTrigger/pipeline/fingerprint';
import { StoredKeys } from '../nodes/EmailLabsTrigger/pipeline/storedKeys';
import { startSandbox } from '../sandbox/server';

/** BENCH_SMOKE=1: a tiny run that only proves the benchmark still works (see test/catchup). */
const SMOKE = process.env.BENCH_SMOKE === '1';
const EVENTS = SMOKE ? 2_000 : 100_000;
const LATENCY_MS = SMOKE ? 2 : 20;
const PAGE_SIZE = 500;
const MAX_EVENTS_PER_POLL = 100_000;
const DEDUPE_ROUNDS = SMOKE ? 3 : 15;
const SAMPLE_EVERY_MS = 5;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Runs `work` while sampling the heap; returns its result and the peak growth over the start. */
async function withPeakHeap<T>(work: () => Promise<T>): Promise<{ result: T; peakDelta: number }> {
	gc();
	const start = process.memoryUsage().heapUsed;
	let peak = start;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), SAMPLE_EVERY_MS);
	try {
		const result = await work();
		peak = Math.max(peak, process.memoryUsage().heapUsed);
		return { result, peakDelta: peak - start };
	} finally {
		clearInterval(sampler);
	}
}

/** ns per event of has() + add() of new keys on one memory, `DEDUPE_CAPACITY` events per round. */
function dedupeCost(prefilled: boolean): number {
	const times: number[] = [];
	for (let round = 0; round < DEDUPE_ROUNDS; round++) {
		const memory = new StoredKeys(DEDUPE_CAPACITY, undefined, 'bench');
		if (prefilled) for (let i = 0; i < DEDUPE_CAPACITY; i++) memory.add(fingerprint(`old-${round}-${i}@acme.example`, 'ok', 1_700_000_000 + i, ''));
		// Warm the lookup table the way a running trigger's memory is warm.
		for (let i = 0; i < 8; i++) memory.has(i + 1);
		const keys = Array.from({ length: DEDUPE_CAPACITY }, (_, i) => fingerprint(`new-${round}-${i}@acme.example`, 'ok', 1_800_000_000 + i, ''));
		let added = 0;
		const start = performance.now();
		for (const key of keys) if (!memory.has(key) && memory.add(key)) added++;
		times.push(((performance.now() - start) * 1e6) / keys.length);
		if (added !== keys.length) throw new Error('dedupe bench broken');
	}
	return median(times);
}

async function main() {
	const sandbox = await startSandbox({ legacyKeys: LEGACY_KEYS, v2Keys: V2_KEYS, latencyMs: LATENCY_MS });
	try {
		const now = Math.floor(Date.now() / 1000);
		sandbox.addBulkEvents({ count: EVENTS, status: 'ok', fromUnix: now - 24 * 3600, toUnix: now - 60 });
		const harness = new PollHarness({
			nodeType: new EmailLabsCatchUpTrigger(),
			credentialTypes: [new EmailLabsApi()],
			credentials: { emailLabsApi: { api: 'legacy', ...LEGACY_KEYS, legacyBaseUrl: `${sandbox.url}/api` } as never },
			parameters: {
				events: ['delivered'],
				startFrom: new Date((now - 25 * 3600) * 1000).toISOString(),
				options: { maxEventsPerPoll: MAX_EVENTS_PER_POLL, pageSize: PAGE_SIZE },
			},
		});

		const polls: Array<{ events: number; ms: number; peakDelta: number }> = [];
		const started = performance.now();
		for (;;) {
			const t0 = performance.now();
			const { result, peakDelta } = await withPeakHeap(async () => await harness.poll());
			if (result.error) throw result.error;
			polls.push({ events: result.items?.length ?? 0, ms: performance.now() - t0, peakDelta });
			if (result.items === null || polls.length > 20) break;
		}
		const totalMs = performance.now() - started;
		const handedOn = polls.reduce((sum, poll) => sum + poll.events, 0);
		const pages = sandbox.calls.filter((call) => call.path.endsWith('/smtp_events/ok')).length;
		if (handedOn !== EVENTS) throw new Error(`caught up ${handedOn} of ${EVENTS} events`);
		const eventsPerSecond = Math.round(handedOn / (totalMs / 1000));
		const peakHeapDeltaMB = mb(Math.max(...polls.map((poll) => poll.peakDelta)));

		const emptyNs = dedupeCost(false);
		const fullNs = dedupeCost(true);
		const ratio = Math.round((fullNs / emptyNs) * 100) / 100;

		console.log(`EmailLabs Catch-Up Trigger benchmark: ${EVENTS} events in the sandbox, ${LATENCY_MS} ms per page, page size ${PAGE_SIZE}, Max Events per Poll ${MAX_EVENTS_PER_POLL}`);
		console.log('| poll | events | ms      | peak heap growth MB |');
		console.log('|-----:|-------:|--------:|--------------------:|');
		polls.forEach((poll, index) => console.log(`| ${String(index + 1).padStart(4)} | ${String(poll.events).padStart(6)} | ${poll.ms.toFixed(0).padStart(7)} | ${String(mb(poll.peakDelta)).padStart(19)} |`));
		console.log(`caught up ${handedOn} events in ${(totalMs / 1000).toFixed(2)} s: ${eventsPerSecond} events/s, ${pages} pages (${(pages * LATENCY_MS) / 1000} s of it simulated latency)`);
		console.log(`de-duplication has+add per event: empty memory ${emptyNs.toFixed(1)} ns, full memory (${DEDUPE_CAPACITY} keys) ${fullNs.toFixed(1)} ns, ratio ${ratio}`);
		console.log(
			JSON.stringify({
				bench: 'catchup',
				events: EVENTS,
				latencyMs: LATENCY_MS,
				pageSize: PAGE_SIZE,
				polls: polls.length,
				pages,
				seconds: Math.round(totalMs) / 1000,
				eventsPerSecond,
				peakHeapDeltaMB,
				dedupeNsPerEvent: { empty: Math.round(emptyNs * 10) / 10, full: Math.round(fullNs * 10) / 10, ratio },
			}),
		);
	} finally {
		await sandbox.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
