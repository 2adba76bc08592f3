/**
 * The n8n editor in a real browser (Debian's Chromium driven by playwright-core; nothing is
 * downloaded): the example workflow opens, the EmailLabs Trigger shows its production URL and the
 * EmailLabs setup steps, and the EmailLabs node's operations render. Screenshots go to docs/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { exampleWorkflows } from '../../scripts/examples';
import {
	ROOT,
	login,
	startExampleInstance,
	stopExampleInstance,
	type ExampleInstance,
	type RunningN8n,
} from '../../scripts/n8nInstance';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, '.e2e', 'screenshots');

const cleanup = exampleWorkflows().find((workflow) => workflow.nodes.some((node) => node.type === 'n8n-nodes-emaillabs.emailLabsTrigger'))!;
const triggerWebhookId = cleanup.nodes.find((node) => node.type === 'n8n-nodes-emaillabs.emailLabsTrigger')!.webhookId!;

let instance: ExampleInstance;
let n8n: RunningN8n;
let browser: Browser;
let page: Page;

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`);
	// The credentials point at a closed port: this test only looks at the editor.
	instance = await startExampleInstance({ name: 'editor', sandboxUrl: 'http://127.0.0.1:9', publish: [cleanup.id] });
	n8n = instance.n8n;
	const cookie = await login(n8n.url);
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: n8n.url }]);
	page = await context.newPage();
	mkdirSync(DOCS, { recursive: true });
}, 15 * 60_000);

afterAll(async () => {
	await browser?.close();
	await stopExampleInstance(instance);
});

async function openNode(name: string) {
	await page.keyboard.press('Escape');
	const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: name }).first();
	await node.waitFor({ timeout: 30_000 });
	await node.dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 30_000 });
}

describe('the n8n editor', () => {
	it('opens the clean-up example with both EmailLabs nodes on the canvas', async () => {
		await page.goto(`${n8n.url}/workflow/${cleanup.id}`);
		await page.getByText('EmailLabs Trigger', { exact: false }).first().waitFor({ timeout: 60_000 });
		await page.getByText('Add to Blacklist', { exact: false }).first().waitFor();
		await page.screenshot({ path: join(DOCS, 'example-bounce-cleanup.png') });
	});

	it('shows the trigger’s production URL and the EmailLabs setup steps', async () => {
		await openNode('EmailLabs Trigger');
		const ndv = page.locator('[data-test-id="ndv"]').first();
		await ndv.getByText('Webhook URLs', { exact: true }).first().click();
		await ndv.getByText('Production URL', { exact: true }).first().click();
		await ndv.getByText(`/webhook/${triggerWebhookId}/webhook`).first().waitFor({ timeout: 15_000 });
		await ndv.getByText('Account → Settings → Webhooks', { exact: false }).first().waitFor();
		await ndv.getByText('bok@emaillabs.pl', { exact: false }).first().waitFor();
		await page.screenshot({ path: join(DOCS, 'trigger-node.png') });
	});

	it('renders the EmailLabs node’s resources and operations', async () => {
		await openNode('Add to Blacklist');
		const ndv = page.locator('[data-test-id="ndv"]').first();
		for (const label of ['Resource', 'Operation', 'Email', 'SMTP Account Name or ID', 'Reason Name or ID']) {
			await ndv.getByText(label, { exact: true }).first().waitFor({ timeout: 15_000 });
		}
		// Selected options are shown as input values, not as text.
		const values = await ndv.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
		expect(values).toEqual(expect.arrayContaining(['Blacklist', 'Add']));
		await page.screenshot({ path: join(DOCS, 'action-node.png') });
	});
});
