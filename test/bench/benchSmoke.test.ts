/**
 * The benchmarks are not part of the measured figures here, but they must not rot: each one runs
 * in its tiny BENCH_SMOKE mode and has to end with its JSON result line.
 * (bench:e2e needs a real n8n; the end-to-end suite covers the parts it is built from.)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function runBench(file: string): Record<string, unknown> {
	const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--prefer-ts-exts', join('bench', file)], {
		cwd: ROOT,
		env: { ...process.env, BENCH_SMOKE: '1' },
		encoding: 'utf8',
		timeout: 120_000,
	});
	expect(run.stderr).toBe('');
	expect(run.status).toBe(0);
	const lines = run.stdout.trim().split('\n');
	return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe('benchmarks (smoke runs)', () => {
	it('bench:send batches 60 items into one request and sends one per item without batching', () => {
		expect(runBench('send.bench.ts')).toMatchObject({ bench: 'send', items: 60, requests: 1, perItemRequests: 60 });
	}, 120_000);

	it('bench:trigger processes a signed batch against full de-duplication lists', () => {
		const result = runBench('trigger.bench.ts');
		expect(result).toMatchObject({ bench: 'trigger', events: 200 });
		expect(result.eventsPerSecond).toEqual(expect.any(Number));
	}, 120_000);

	it('bench:catchup catches up a small backlog and reports its figures', () => {
		const result = runBench('catchup.bench.ts');
		expect(result).toMatchObject({ bench: 'catchup', events: 2000, polls: 2, pages: expect.any(Number), eventsPerSecond: expect.any(Number) });
		expect(result.dedupeNsPerEvent).toMatchObject({ empty: expect.any(Number), full: expect.any(Number), ratio: expect.any(Number) });
	}, 120_000);
});
