/**
 * Helpers of the example workflows' end-to-end tests in a real n8n (test/e2e/archive.e2e.test.ts,
 * test/e2e/automations.e2e.test.ts): sending through the sandbox's legacy API, opens and clicks
 * on demand, waiting for an idle workflow, and a screenshot of a workflow on the n8n canvas.
 */
import { chromium } from 'playwright-core';

import { DEFAULT_LEGACY_KEYS } from '../sandbox/server';
import { login, waitFor } from '../scripts/n8nInstance';
import { isRunning, type publicApi } from './realN8n';

type PublicApi = ReturnType<typeof publicApi>;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface SendOptions {
	smtpAccount?: string;
	subject?: string;
	tags?: string[];
	/** Message IDs in address order (default: the sandbox makes them up). */
	messageIds?: string[];
}

/** One legacy new_sendmail to every address (each address once); the Message IDs in address order. */
export async function sendThroughSandbox(sandboxUrl: string, emails: string[], options: SendOptions = {}): Promise<string[]> {
	const body = new URLSearchParams({ smtp_account: options.smtpAccount ?? '1.sandbox.smtp', subject: options.subject ?? 'Hello', from: 'shop@acme.example', html: '<p>Hi</p>' });
	for (const [i, email] of emails.entries()) {
		if (options.messageIds?.[i]) body.append(`to[${email}][message_id]`, options.messageIds[i]);
		else body.append(`to[${email}]`, '');
	}
	for (const [i, tag] of (options.tags ?? []).entries()) body.append(`tags[${i}]`, tag);
	const response = await fetch(`${sandboxUrl}/api/new_sendmail`, {
		method: 'POST',
		headers: { authorization: `Basic ${Buffer.from(`${DEFAULT_LEGACY_KEYS.appKey}:${DEFAULT_LEGACY_KEYS.secretKey}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: body.toString(),
	});
	const answer = (await response.json()) as { data: Array<Record<string, string>> };
	if (!response.ok) throw new Error(`send failed: ${JSON.stringify(answer)}`);
	return emails.map((email) => answer.data.find((entry) => entry[email])![email]);
}

/** An open or a click now, through the sandbox's control API (`POST /_sandbox/messages/{id}/open|click`). */
export async function sandboxActivity(sandboxUrl: string, messageId: string, kind: 'open' | 'click', link?: string): Promise<void> {
	const response = await fetch(`${sandboxUrl}/_sandbox/messages/${encodeURIComponent(messageId)}/${kind}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(link ? { url: link } : {}),
	});
	if (!response.ok) throw new Error(`${kind} failed: ${response.status} ${await response.text()}`);
}

/** Waits until no execution of the workflow runs, seen twice in a row (a request that just arrived may not have its execution yet). */
export async function workflowIdle(api: PublicApi, workflowId: string, timeoutMs = 120_000): Promise<void> {
	let quiet = 0;
	await waitFor('the workflow to go idle', async () => {
		quiet = (await isRunning(api, workflowId)) ? 0 : quiet + 1;
		return quiet >= 2 ? true : undefined;
	}, timeoutMs, 1500);
}

/**
 * Opens a workflow in the n8n editor (signed in as the owner), waits for the given node labels,
 * closes n8n 2.41's "Production Checklist" popover of a freshly published workflow, and saves a
 * 1440×900 screenshot at `path`.
 */
export async function screenshotWorkflow(n8nUrl: string, workflowId: string, labels: string[], path: string): Promise<void> {
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const [name, value] = (await login(n8nUrl)).split('=');
		await context.addCookies([{ name, value, url: n8nUrl }]);
		const page = await context.newPage();
		await page.goto(`${n8nUrl}/workflow/${workflowId}`);
		for (const label of labels) await page.getByText(label, { exact: false }).first().waitFor({ timeout: 60_000 });
		const checklist = page.getByText('Production Checklist', { exact: true });
		if (await checklist.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
			await page.keyboard.press('Escape');
			if (await checklist.isVisible()) await page.mouse.click(1300, 150);
			await checklist.waitFor({ state: 'hidden', timeout: 5000 });
		}
		await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
		await page.screenshot({ path });
	} finally {
		await browser.close();
	}
}
