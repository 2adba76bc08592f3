/** bench:catchup must not rot: its tiny BENCH_SMOKE run has to end with its JSON result line. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

it('bench:catchup catches up a small backlog and reports its figures', () => {
	const run = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--prefer-ts-exts', join('bench', 'catchup.bench.ts')], {
		cwd: ROOT,
		env: { ...process.env, BENCH_SMOKE: '1' },
		encoding: 'utf8',
		timeout: 120_000,
	});
	expect(run.stderr).toBe('');
	expect(run.status).toBe(0);
	const lines = run.stdout.trim().split('\n');
	const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
	expect(result).toMatchObject({ bench: 'catchup', events: 2000, polls: 2, pages: expect.any(Number), eventsPerSecond: expect.any(Number) });
	expect(result.dedupeNsPerEvent).toMatchObject({ empty: expect.any(Number), full: expect.any(Number), ratio: expect.any(Number) });
}, 120_000);
