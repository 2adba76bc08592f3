/**
 * Starts the EmailLabs sandbox on 127.0.0.1:
 *   npx ts-node --transpile-only --prefer-ts-exts sandbox/cli.ts
 * Environment: SANDBOX_PORT (default 8025), SANDBOX_WEBHOOK_URL, SANDBOX_WEBHOOK_FORMAT (json | legacy),
 * SANDBOX_WEBHOOK_SECRET, SANDBOX_PANEL_NAME (legacy format), SANDBOX_DELIVERED_DELAY_MS,
 * SANDBOX_WEBHOOK_RETRY_DELAYS_MS (e.g. 100,200), SANDBOX_RETENTION_SECONDS, SANDBOX_LATENCY_MS
 * (see sandbox/README.md).
 */
import { startSandbox, type SandboxOptions, type WebhookTarget } from './server';

/** A whole number ≥ 0 from the environment, or undefined when unset. */
function wholeNumber(name: string): number | undefined {
	const value = process.env[name];
	if (value === undefined || value.trim() === '') return undefined;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${value}`);
	return parsed;
}

/** SANDBOX_WEBHOOK_RETRY_DELAYS_MS: a comma list of milliseconds; empty = no retries. */
function retryDelays(): number[] | undefined {
	const value = process.env.SANDBOX_WEBHOOK_RETRY_DELAYS_MS;
	if (value === undefined) return undefined;
	const delays = value.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
	if (delays.some((delay) => !Number.isInteger(delay) || delay < 0)) throw new Error(`SANDBOX_WEBHOOK_RETRY_DELAYS_MS must be a comma list of milliseconds, got ${value}`);
	return delays;
}

async function main() {
	const port = Number(process.env.SANDBOX_PORT ?? 8025);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SANDBOX_PORT must be a port number, got ${process.env.SANDBOX_PORT}`);
	const webhooks: WebhookTarget[] = [];
	if (process.env.SANDBOX_WEBHOOK_URL) {
		const format = (process.env.SANDBOX_WEBHOOK_FORMAT ?? 'json').toLowerCase();
		if (format !== 'json' && format !== 'legacy') throw new Error(`SANDBOX_WEBHOOK_FORMAT must be json or legacy, got ${format}`);
		webhooks.push({
			url: process.env.SANDBOX_WEBHOOK_URL,
			format,
			secretKey: process.env.SANDBOX_WEBHOOK_SECRET ?? 'sandbox-webhook-secret',
			...(process.env.SANDBOX_PANEL_NAME ? { panelName: process.env.SANDBOX_PANEL_NAME } : {}),
		});
	}
	const options: SandboxOptions = { port, host: '127.0.0.1', webhooks };
	const deliveredDelayMs = wholeNumber('SANDBOX_DELIVERED_DELAY_MS');
	const retryDelaysMs = retryDelays();
	const retentionSeconds = wholeNumber('SANDBOX_RETENTION_SECONDS');
	const latencyMs = wholeNumber('SANDBOX_LATENCY_MS');
	if (deliveredDelayMs !== undefined) options.deliveredDelayMs = deliveredDelayMs;
	if (retryDelaysMs) options.retryDelaysMs = retryDelaysMs;
	if (retentionSeconds !== undefined) options.retentionSeconds = retentionSeconds;
	if (latencyMs !== undefined) options.latencyMs = latencyMs;
	const sandbox = await startSandbox(options);

	console.log(`EmailLabs sandbox running at ${sandbox.url} (web page: ${sandbox.url}/)`);
	console.log('Local test values only, not real EmailLabs keys:');
	console.log(`  Legacy API  base URL ${sandbox.url}/api   App Key ${sandbox.legacyKeys.appKey}   Secret Key ${sandbox.legacyKeys.secretKey}`);
	console.log(`  API v2.1    base URL ${sandbox.url}/v2.1  Application Key ${sandbox.v2Keys.applicationKey}   Authorization Key ${sandbox.v2Keys.authorizationSecret}`);
	console.log(`  SMTP accounts 1.sandbox.smtp, 2.sandbox.smtp; recipients @bounce.test hard-bounce, complaint@... complains`);
	if (webhooks.length) {
		const [target] = webhooks;
		console.log(`  Webhooks → ${target.url} (${target.format}, secret ${target.secretKey}${target.format === 'legacy' ? `, panel ${target.panelName ?? 'sandbox'}` : ''})`);
	} else {
		console.log('  No webhook target: set SANDBOX_WEBHOOK_URL or POST /_sandbox/webhook-targets');
	}
	if (retentionSeconds !== undefined) console.log(`  Retention: data older than ${retentionSeconds} s is forgotten`);
	if (latencyMs) console.log(`  Legacy list endpoints answer after ${latencyMs} ms`);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping the sandbox`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(`Could not start the EmailLabs sandbox: ${error.message}`);
	process.exit(1);
});
