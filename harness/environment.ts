/**
 * One-time n8n-core process setup for the test harness (per jest module registry, i.e. per test
 * file). Everything n8n-core needs is resolved through its own DI container; we only pin down the
 * few pieces whose defaults would touch the developer's machine or make noise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { IBinaryData } from 'n8n-workflow';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';

type DiContainer = (typeof import('@n8n/di'))['Container'];

/**
 * n8n-core ships its own copy of `@n8n/di` (node_modules/n8n-core/node_modules/@n8n/di), which
 * differs from the top-level one; services must be read from the container n8n-core itself uses.
 */
function coreContainer(): DiContainer {
	const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
	const diPath = require.resolve('@n8n/di', { paths: [coreDir] });
	return (require(diPath) as typeof import('@n8n/di')).Container;
}

let ready: Promise<DiContainer> | undefined;

async function setup(): Promise<DiContainer> {
	// InstanceSettings (needed by every node context) reads or creates `<N8N_USER_FOLDER>/.n8n/config`
	// holding the encryption key. Point it at one fixed temp folder (not $HOME) whose config file we
	// create atomically with a fixed test key, so parallel jest workers never see a half-written file.
	const userFolder = path.join(os.tmpdir(), `n8n-test-harness-${os.userInfo().uid}`);
	const encryptionKey = 'n8n-test-harness-encryption-key';
	const configFile = path.join(userFolder, '.n8n', 'config');
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY = encryptionKey;
	let current: { encryptionKey?: string } | undefined;
	try {
		current = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { encryptionKey?: string };
	} catch {
		current = undefined;
	}
	if (current?.encryptionKey !== encryptionKey) {
		fs.mkdirSync(path.dirname(configFile), { recursive: true });
		const tmpFile = `${configFile}.${process.pid}.tmp`;
		fs.writeFileSync(tmpFile, JSON.stringify({ encryptionKey }), { mode: 0o600 });
		fs.renameSync(tmpFile, configFile);
	}
	// n8n's Logger (used by the ErrorReporter for every failing node) prints to the console; keep
	// test output clean unless the developer asks for logs with N8N_LOG_LEVEL.
	process.env.N8N_LOG_LEVEL ??= 'silent';

	const Container = coreContainer();

	// Binary data: 'default' mode keeps binaries in memory (base64 in item.binary[x].data), which
	// is what getBinaryDataBuffer/prepareBinaryData use when no filesystem manager is active.
	Container.get(BinaryDataConfig).mode = 'default';
	await Container.get(BinaryDataService).init();

	return Container;
}

/** Idempotent; every harness entry point awaits it. */
export async function ensureN8nEnvironment(): Promise<DiContainer> {
	ready ??= setup();
	return await ready;
}

/** Bytes of a binary entry of an output item, read through n8n's BinaryDataService. */
export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	const Container = await ensureN8nEnvironment();
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
