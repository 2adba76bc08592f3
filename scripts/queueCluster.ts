/**
 * n8n in queue mode on this machine, for the queue-mode tests: PostgreSQL (Debian's server
 * binaries), Redis (Debian's redis-server), and the pinned n8n as main + workers + one webhook
 * processor, each with its own user folder holding the packed package. Every process runs on
 * 127.0.0.1 and free ports and is stopped by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, installCommunityPackage, n8nCli, startN8n, stopGroup, waitFor, type InstanceOptions, type Provisioned, type RunningN8n } from './n8nInstance';

export interface Service {
	process: ChildProcess;
	stop(): Promise<void>;
}


function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
	if (version === undefined) throw new Error('PostgreSQL server binaries not found: apt-get install postgresql');
	return join(root, version, 'bin');
}

/** A throw-away PostgreSQL cluster owned by the `postgres` user (the server refuses to run as root). */
async function startPostgres(port: number): Promise<Service> {
	const bin = postgresBin();
	// Under the system temp folder: the server's folder and every parent must be traversable by the
	// `postgres` user, which a checkout under a private folder (mktemp -d, a home) is not.
	const dir = mkdtempSync(join(tmpdir(), 'emaillabs-postgres-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	const asPostgres = (command: string, args: string[]) => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]];
	const [initCommand, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'n8n', '--no-sync']);
	const init = spawnSync(initCommand, initArgs, { encoding: 'utf8', cwd: dir });
	if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
	const [command, args] = asPostgres(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200']);
	const child = spawn(command, args, { stdio: 'ignore', detached: true, cwd: dir });
	await waitFor('PostgreSQL', async () => {
		const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
		return ready.status === 0 ? true : undefined;
	}, 30_000);
	return {
		process: child,
		stop: async () => {
			await stopGroup(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

async function startRedis(port: number): Promise<Service> {
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', detached: true });
	await waitFor('Redis', async () => {
		const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
		return ping.stdout.trim() === 'PONG' ? true : undefined;
	}, 30_000);
	return { process: child, stop: () => stopGroup(child) };
}

export interface QueueCluster {
	main: RunningN8n;
	webhook: RunningN8n;
	workers: RunningN8n[];
	/** The URL EmailLabs gets (the webhook processor). */
	webhookUrl: string;
	options: { main: InstanceOptions; webhook: InstanceOptions; workers: InstanceOptions[] };
	/** Restarts the webhook processor, with `extraEnv` on top of its environment for this life only. */
	restartWebhookProcessor(extraEnv?: Record<string, string>): Promise<void>;
	stop(): Promise<void>;
}

/**
 * Starts the cluster with `tarball` installed in every process, after `prepare` ran n8n's CLI
 * (imports, publishing) against the shared database.
 */
export async function startQueueCluster(opts: {
	provisioned: Provisioned;
	runDir: string;
	tarball: string;
	workers?: number;
	concurrency?: number;
	prepare?: (cli: (args: string[]) => string) => void;
}): Promise<QueueCluster> {
	const services: Service[] = [];
	const running: RunningN8n[] = [];
	const stopAll = async () => {
		for (const n8n of running.reverse()) await n8n.stop();
		for (const service of services.reverse()) await service.stop();
	};
	try {
		services.push(await startPostgres(await freePort()));
		const pgPort = (services[0].process.spawnargs.find((arg, i, all) => all[i - 1] === '-p') as string);
		const redisPort = await freePort();
		services.push(await startRedis(redisPort));

		const webhookPort = await freePort();
		const webhookUrl = `http://127.0.0.1:${webhookPort}`;
		const queueEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: pgPort,
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			WEBHOOK_URL: `${webhookUrl}/`,
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			// With n8n's default 0, a finished job is removed at once, and a webhook processor that
			// starts waiting for it afterwards never answers (Bull's job.finished() finds no job and
			// waits for an event already sent): measured 12 of 200 answer-after-run requests hung.
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000',
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '1000',
		};
		const instance = async (name: string, port: number, command: InstanceOptions['command'], extraEnv: Record<string, string> = {}, readinessUrl?: string): Promise<InstanceOptions> => {
			const stateDir = join(opts.runDir, name);
			installCommunityPackage(stateDir, opts.tarball, opts.provisioned.node);
			return { provisioned: opts.provisioned, stateDir, port, brokerPort: await freePort(), command, readinessUrl, extraEnv: { ...queueEnv, ...extraEnv } };
		};
		const mainOptions = await instance('main', await freePort(), 'start');
		opts.prepare?.((args) => n8nCli(mainOptions, args));
		running.push(await startN8n(mainOptions));

		const workerOptions: InstanceOptions[] = [];
		for (let i = 0; i < (opts.workers ?? 2); i++) {
			const health = await freePort();
			const options = await instance(`worker-${i}`, health, 'worker', { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(health), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }, `http://127.0.0.1:${health}/healthz/readiness`);
			options.commandArgs = [`--concurrency=${opts.concurrency ?? 10}`];
			workerOptions.push(options);
			running.push(await startN8n(options));
		}
		const webhookOptions = await instance('webhook', webhookPort, 'webhook');
		let webhook = await startN8n(webhookOptions);
		running.push(webhook);
		const cluster: QueueCluster = {
			main: running[0],
			get webhook() {
				return webhook;
			},
			workers: running.slice(1, 1 + workerOptions.length),
			webhookUrl,
			options: { main: mainOptions, webhook: webhookOptions, workers: workerOptions },
			async restartWebhookProcessor(extraEnv: Record<string, string> = {}) {
				await webhook.stop();
				running.splice(running.indexOf(webhook), 1);
				webhook = await startN8n({ ...webhookOptions, extraEnv: { ...webhookOptions.extraEnv, ...extraEnv } });
				running.push(webhook);
			},
			stop: stopAll,
		};
		return cluster;
	} catch (error) {
		await stopAll();
		throw error;
	}
}
