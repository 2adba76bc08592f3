/**
 * Benchmark of the EmailLabs Trigger hot path: one new-panel request of 10,000 events goes through
 * processWebhookRequest, the function webhook() calls (checksum, replay window, parse, normalise,
 * filter, de-duplicate), minus n8n itself. Baseline, in the same run: bare JSON.parse of the body
 * plus one SHA-1, the least any verifying receiver must do.
 *
 * Run: npm run bench:trigger. The last line is one JSON object for CI.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { DEDUPE_CAPACITY } from '../nodes/EmailLabsTrigger/pipeline/constants';
import { SeenMemory } from '../nodes/EmailLabsTrigger/pipeline/seenMemory';
import { fingerprint } from '../nodes/EmailLabsTrigger/pipeline/fingerprint';
import { processWebhookRequest } from '../nodes/EmailLabsTrigger/pipeline/processRequest';
import type { TriggerSettings } from '../nodes/EmailLabsTrigger/pipeline/settings';
import { EVENT_DEFINITIONS } from '../nodes/EmailLabsTrigger/pipeline/events';
import type { IDataObject } from 'n8n-workflow';

/** BENCH_SMOKE=1: a tiny run that only proves the benchmark still works (see test/bench). */
const SMOKE = process.env.BENCH_SMOKE === '1';
const EVENTS = SMOKE ? 200 : 10_000;
const WARMUP_ROUNDS = SMOKE ? 1 : 5;
const ROUNDS = SMOKE ? 3 : 30;
const SECRET = 'bench-secret-key-0123456789abcdef';
const STATUSES = ['ok', 'hardbounce', 'softbounce', 'open', 'track', 'deferred', 'dropped', 'spambounce', 'feedback'];

function makeEvents(batch: string, count: number): object[] {
	const baseTime = Math.floor(Date.now() / 1000) - 3600;
	return Array.from({ length: count }, (_, i) => ({
		subject: `Order ${i} confirmation`,
		smtpAccount: '1.acme.smtp',
		to: { email: `customer${i}@example.com`, name: `Customer ${i}`, messageId: `<${batch}-${i}@mail.acme.example>` },
		from: { email: 'no-reply@acme.example', name: 'ACME' },
		tags: ['transactional', `cohort-${i % 7}`],
		status: STATUSES[i % STATUSES.length],
		statusTime: baseTime + (i % 3600),
		statusDesc: i % 3 === 0 ? '550 5.1.1 user unknown' : '',
		allStatuses: [],
		...(i % STATUSES.length === 4 ? { url: `https://acme.example/p/${i}` } : {}),
	}));
}

function signedHeaders(requestId: string) {
	const date = new Date().toISOString().slice(0, 19).replace('T', ' ');
	const checksum = createHash('sha1').update(`${SECRET}|${date}|${requestId}`).digest('hex');
	return { 'x-webhook-date': date, 'request-id': requestId, 'x-webhook-checksum': checksum, 'content-type': 'application/json' };
}

const settings: TriggerSettings = {
	events: new Set(EVENT_DEFINITIONS.map((definition) => definition.event)),
	includeUnknown: true,
	output: 'normalised',
	runOnTestCalls: false,
	deduplicate: true,
	respondAfterRun: false,
	maxAgeSeconds: 26 * 3600,
	ipAllowList: null,
	trustedProxyHops: 0,
};

// Steady state: the de-duplication lists are already full from earlier batches.
function prefilledStaticData(): string {
	const memory = new SeenMemory({});
	const previous = Buffer.from(JSON.stringify(makeEvents('previous', DEDUPE_CAPACITY)));
	const outcome = processWebhookRequest(
		{ headers: signedHeaders('previous'), remoteAddress: '127.0.0.1', rawBody: previous, parsedBody: undefined, contentType: 'application/json' },
		settings,
		{ newPanelSecret: SECRET },
		memory,
		Date.now(),
	);
	if (outcome.action !== 'run') throw new Error(`setup failed: ${outcome.action}`);
	for (let i = 0; i < DEDUPE_CAPACITY; i++) {
		memory.requestIds.add(fingerprint(`previous-request-${i}`, '', 0, ''));
		memory.requestBodies.add(fingerprint(`previous-request-${i}`, 'body', 0, ''));
	}
	const staticData: IDataObject = {};
	memory.mirrorInto(staticData);
	return JSON.stringify(staticData);
}

// Each step runs its rounds back to back, so that it pays for the garbage it makes itself (and
// only that) at the rate a busy receiver would. The steps alternate in blocks, so that drift in
// the machine's load hits both alike. No garbage collection is forced inside a block: a forced
// full collection also throws away V8's optimised code, which a real receiver keeps.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
const BLOCKS = 3;

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
	const rawBody = Buffer.from(JSON.stringify(makeEvents('bench', EVENTS)));
	const headers = signedHeaders('bench-request');
	const storedJson = prefilledStaticData();
	const pipelineMs: number[] = [];
	const baselineMs: number[] = [];

	const baselineStep = () => {
		const start = performance.now();
		const parsed = JSON.parse(rawBody.toString('utf8')) as unknown[];
		const digest = createHash('sha1').update(`${SECRET}|${headers['x-webhook-date']}|${headers['request-id']}`).digest('hex');
		const elapsed = performance.now() - start;
		if (parsed.length !== EVENTS || digest.length !== 40) throw new Error('baseline broken');
		return elapsed;
	};

	const pipelineStep = () => {
		// Static data as n8n hands it over: freshly loaded from its JSON form, outside the clock.
		// The memory is built from it inside the clock: the cost a process pays on its first request
		// for a workflow (later requests reuse the memory, so this is the pessimistic case).
		const staticData = JSON.parse(storedJson) as IDataObject;
		const nowMs = Date.now();
		const start = performance.now();
		const outcome = processWebhookRequest(
			{ headers, remoteAddress: '127.0.0.1', rawBody, parsedBody: undefined, contentType: 'application/json' },
			settings,
			{ newPanelSecret: SECRET },
			new SeenMemory(staticData),
			nowMs,
		);
		const elapsed = performance.now() - start;
		if (outcome.action !== 'run' || outcome.items.length !== EVENTS) {
			throw new Error(`pipeline broken: ${outcome.action} ${JSON.stringify(outcome.stats)}`);
		}
		return elapsed;
	};

	for (let i = 0; i < WARMUP_ROUNDS; i++) {
		baselineStep();
		pipelineStep();
	}
	const roundsPerBlock = Math.ceil(ROUNDS / BLOCKS);
	for (let block = 0; block < BLOCKS; block++) {
		for (const [step, times] of [
			[baselineStep, baselineMs],
			[pipelineStep, pipelineMs],
		] as const) {
			gc();
			await pause();
			for (let round = 0; round < roundsPerBlock; round++) times.push(step());
		}
	}

	const pipeline = median(pipelineMs);
	const baseline = median(baselineMs);
	const eventsPerSecond = Math.round(EVENTS / (pipeline / 1000));
	const overhead = Math.round((pipeline / baseline) * 10) / 10;

	console.log(`EmailLabs Trigger benchmark: ${EVENTS} events/request, ${(rawBody.length / 1e6).toFixed(1)} MB, ${baselineMs.length} rounds per step after ${WARMUP_ROUNDS} warm-up, medians`);
	console.log('| step                                          | median ms | min ms | events/s |');
	console.log('|-----------------------------------------------|----------:|-------:|---------:|');
	const row = (name: string, values: number[]) =>
		console.log(`| ${name.padEnd(45)} | ${median(values).toFixed(2).padStart(9)} | ${Math.min(...values).toFixed(2).padStart(6)} | ${String(Math.round(EVENTS / (median(values) / 1000))).padStart(8)} |`);
	row('baseline: JSON.parse + one SHA-1', baselineMs);
	row('trigger: verify+parse+normalise+dedupe', pipelineMs);
	console.log(`overhead vs baseline: ${overhead}x (target <= 3x); throughput ${eventsPerSecond} events/s (target >= 200000)`);
	console.log(JSON.stringify({ bench: 'trigger', events: EVENTS, eventsPerSecond, overheadVsBaseline: overhead }));
}

void main();
