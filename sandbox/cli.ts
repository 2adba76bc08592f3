/**
 * Starts the EmailLabs sandbox on 127.0.0.1:
 *   npx ts-node --transpile-only --prefer-ts-exts sandbox/cli.ts
 * Environment: SANDBOX_PORT (default 8025), SANDBOX_WEBHOOK_URL, SANDBOX_WEBHOOK_FORMAT (json | legacy),
 * SANDBOX_WEBHOOK_SECRET, SANDBOX_PANEL_NAME (legacy format), SANDBOX_DELIVERED_DELAY_MS.
 */
import { startSandbox, type WebhookTarget } from './server';

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
	const delay = process.env.SANDBOX_DELIVERED_DELAY_MS;
	const sandbox = await startSandbox({
		port,
		host: '127.0.0.1',
		webhooks,
		...(delay ? { deliveredDelayMs: Number(delay) } : {}),
	});

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
