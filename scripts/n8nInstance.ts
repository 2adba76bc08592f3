/**
 * Runs the pinned n8n (provisioned by scripts/provision.mjs) with this package installed exactly as
 * Settings → Community Nodes installs it: the packed tarball, npm-installed into
 * `<user folder>/.n8n/nodes`. Used by `npm start` and the end-to-end tests.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

import { materialiseExamples } from './examples';
import { ROOT } from './paths';

/** Also importable from here (the end-to-end tests do). */
export { ROOT };
export const OWNER = { email: 'owner@emaillabs.sandbox', password: 'Sandbox-Passw0rd!' };

export interface Provisioned {
	node: string;
	n8nBin: string;
	n8nDir: string;
}

/** The one-sentence failure of provisioning (already printed on stderr); callers print no stack for it. */
export class ProvisionFailed extends Error {}

/**
 * Runs scripts/provision.mjs (cached after the first time, its check about a second) and returns
 * where n8n and Node 24 are. Its progress goes straight to our stderr, live.
 */
export function provision(): Provisioned {
	const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'provision.mjs')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const line = (result.stdout ?? '').split('\n').find((entry) => entry.startsWith('@@'));
	if (result.status !== 0 || !line) throw new ProvisionFailed('n8n could not be provisioned (the reason is printed above).');
	return JSON.parse(line.slice(2));
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

/** `npm pack` of the built package (run `npm run build` first), as a community package would be published. */
export function packPackage(destination: string): string {
	mkdirSync(destination, { recursive: true });
	const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: ROOT, encoding: 'utf8' });
	return join(destination, out.trim().split('\n').pop()!);
}

/** What Settings → Community Nodes does: npm-install the package into `<user folder>/.n8n/nodes`. */
export function installCommunityPackage(userFolder: string, tarball: string, node: string): void {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json'))) writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
	execFileSync('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
		cwd: nodesDir,
		stdio: 'inherit',
		env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
	});
}

export interface InstanceOptions {
	provisioned: Provisioned;
	/** Everything n8n writes (SQLite database, settings, installed package) stays below this folder. */
	stateDir: string;
	port: number;
	brokerPort: number;
	extraEnv?: Record<string, string>;
	/** The n8n command: `start` (default), or `worker` / `webhook` in queue mode. */
	command?: 'start' | 'worker' | 'webhook';
	/** Extra arguments of the command, e.g. `--concurrency=10` for a worker. */
	commandArgs?: string[];
	/** Where readiness is asked (default: this instance's own /healthz/readiness). */
	readinessUrl?: string;
}

export function ownerPasswordHash(n8nDir: string): string {
	// n8n ships bcryptjs; the hash lets n8n create the owner from the environment (no setup wizard).
	const bcrypt = require(join(n8nDir, 'node_modules', 'bcryptjs'));
	return bcrypt.hashSync(OWNER.password, 10);
}

export function n8nEnvironment(options: InstanceOptions): NodeJS.ProcessEnv {
	const url = `http://127.0.0.1:${options.port}`;
	const tmp = join(options.stateDir, 'tmp');
	mkdirSync(tmp, { recursive: true });
	return {
		PATH: `${dirname(options.provisioned.node)}:${process.env.PATH}`,
		HOME: options.stateDir,
		TMPDIR: tmp,
		N8N_USER_FOLDER: options.stateDir,
		N8N_ENCRYPTION_KEY: 'emaillabs-sandbox-encryption-key',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(options.port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		WEBHOOK_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '1000',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerPasswordHash(options.provisioned.n8nDir),
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		GENERIC_TIMEZONE: 'UTC',
		// What the README's production checklist asks for: without it n8n puts stack traces into webhook error answers.
		NODE_ENV: 'production',
		...options.extraEnv,
	};
}

/** An n8n CLI command (import, publish) against the instance's database, before the server starts. */
export function n8nCli(options: InstanceOptions, args: string[]): string {
	return execFileSync(options.provisioned.node, [options.provisioned.n8nBin, ...args], {
		env: { ...n8nEnvironment(options), N8N_RUNNERS_BROKER_PORT: String(options.brokerPort + 1) },
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

export interface RunningN8n {
	url: string;
	process: ChildProcess;
	logs: string[];
	stop(): Promise<void>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		await new Promise((resolveWait) => setTimeout(resolveWait, intervalMs));
	}
	throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/** Stops a detached process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	await new Promise<void>((resolveStop) => {
		const killer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}, graceMs);
		child.once('exit', () => {
			clearTimeout(killer);
			resolveStop();
		});
		try {
			process.kill(-child.pid!, 'SIGTERM');
		} catch {
			clearTimeout(killer);
			resolveStop();
		}
	});
}

export async function startN8n(options: InstanceOptions, echo = false): Promise<RunningN8n> {
	const url = `http://127.0.0.1:${options.port}`;
	const logs: string[] = [];
	const child = spawn(options.provisioned.node, [options.provisioned.n8nBin, options.command ?? 'start', ...(options.commandArgs ?? [])], {
		env: n8nEnvironment(options),
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const collect = (chunk: Buffer) => {
		const text = chunk.toString();
		logs.push(text);
		if (logs.length > 2000) logs.splice(0, logs.length - 2000);
		if (echo) process.stdout.write(text);
	};
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	let exited = false;
	child.on('exit', () => (exited = true));
	const stop = async () => await stopGroup(child, 15_000);
	try {
		await waitFor('n8n readiness', async () => {
			if (exited) throw new Error(`n8n exited:\n${logs.join('').slice(-3000)}`);
			const response = await fetch(options.readinessUrl ?? `${url}/healthz/readiness`);
			return response.ok ? true : undefined;
		}, 120_000);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, process: child, logs, stop };
}

/** Signs in as the owner; returns the session cookie. */
export async function login(url: string): Promise<string> {
	const response = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
	return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** Creates a public-API key with every scope for the owner. */
export async function createApiKey(url: string, cookie: string): Promise<string> {
	const scopes = ((await (await fetch(`${url}/rest/api-keys/scopes`, { headers: { cookie } })).json()) as { data: string[] }).data;
	const created = await fetch(`${url}/rest/api-keys`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ label: `emaillabs-${Date.now()}`, scopes, expiresAt: null }),
	});
	if (!created.ok) throw new Error(`API key creation failed: ${created.status} ${await created.text()}`);
	return ((await created.json()) as { data: { rawApiKey: string } }).data.rawApiKey;
}

export function cleanDir(dir: string): void {
	if (existsSync(dir)) for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
}

export interface ExampleInstance {
	n8n: RunningN8n;
	options: InstanceOptions;
	runDir: string;
}

/**
 * A fresh n8n under `.e2e/runs/<name>-<pid>` with the packed package installed, the example
 * credentials and workflows imported (pointing at `sandboxUrl`), the given workflows published,
 * and the server started. `dispose()` it with stopExampleInstance().
 */
export async function startExampleInstance(opts: {
	name: string;
	sandboxUrl: string;
	publish: string[];
	port?: number;
}): Promise<ExampleInstance> {
	const provisioned = provision();
	const runDir = join(ROOT, '.e2e', 'runs', `${opts.name}-${process.pid}`);
	cleanDir(runDir);
	const options: InstanceOptions = {
		provisioned,
		stateDir: join(runDir, 'n8n'),
		port: opts.port ?? (await freePort()),
		brokerPort: await freePort(),
	};
	try {
		if (!existsSync(join(ROOT, 'dist', 'nodes', 'EmailLabs', 'EmailLabs.node.js'))) throw new Error('run `npm run build` first');
		installCommunityPackage(options.stateDir, packPackage(join(runDir, 'pack')), provisioned.node);
		const { credentialsFile, workflowsDir } = materialiseExamples(opts.sandboxUrl, join(runDir, 'examples'));
		n8nCli(options, ['import:credentials', `--input=${credentialsFile}`]);
		n8nCli(options, ['import:workflow', '--separate', `--input=${workflowsDir}`]);
		for (const id of opts.publish) n8nCli(options, ['publish:workflow', `--id=${id}`]);
		return { n8n: await startN8n(options), options, runDir };
	} catch (error) {
		rmSync(runDir, { recursive: true, force: true });
		throw error;
	}
}

export async function stopExampleInstance(instance: ExampleInstance | undefined): Promise<void> {
	if (!instance) return;
	await instance.n8n.stop();
	rmSync(instance.runDir, { recursive: true, force: true });
}
