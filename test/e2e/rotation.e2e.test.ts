/**
 * Rotating the webhook secret and URL token in a real n8n while EmailLabs keeps sending: batches
 * signed with the old and the new settings interleave; every event runs exactly once, none is
 * refused while its key is valid, and the old keys are refused after their deadline. The
 * credential is changed through n8n's public API, as an operator would in the editor.
 */
import { randomUUID } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox/server';
import { createApiKey, login, startExampleInstance, stopExampleInstance, waitFor, type ExampleInstance } from '../../scripts/n8nInstance';
import { deliveredEventsWorkflow, executionsOf, publicApi, signedJsonHeaders } from '../../harness/realN8n';

const WEBHOOK_ID = '8d2f7a41-5b3c-4e9a-a1f0-6c7d8e9f0a12';
const OLD = { secret: 'old-secret-4f1c', token: 'old-token-9a2b' };
const NEW = { secret: 'new-secret-7d3e', token: 'new-token-1c8f' };

let sandbox: Sandbox;
let instance: ExampleInstance;
let apiKey: string;
let credentialId: string;
let workflowId: string;
/** Message ids of every batch n8n answered 200, the activation probe's included. */
const accepted: string[] = [];

const url = () => instance.n8n.url;

const api = publicApi(url, () => apiKey);
const { runsPerEvent } = executionsOf(api, waitFor);

let eventNumber = 0;
/** One signed batch of two fresh events, sent with the given keys; resolves to the HTTP status. */
async function send(keys: { secret: string; token: string }): Promise<{ status: number; ids: string[] }> {
	const ids = [`rot-${++eventNumber}@acme.example`, `rot-${++eventNumber}@acme.example`];
	const body = JSON.stringify(ids.map((id, i) => ({ to: { email: `r${i}@example.com`, messageId: `<${id}>` }, status: 'ok', statusTime: 1790326800 + eventNumber + i })));
	const response = await fetch(`${url()}/webhook/${WEBHOOK_ID}/webhook?token=${keys.token}`, {
		method: 'POST',
		headers: signedJsonHeaders(keys.secret, randomUUID()),
		body,
	});
	return { status: response.status, ids };
}


beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, webhooks: [] });
	instance = await startExampleInstance({ name: 'rotation', sandboxUrl: sandbox.url, publish: [] });
	apiKey = await createApiKey(url(), await login(url()));
	credentialId = (await api('POST', '/credentials', { name: 'EmailLabs webhook (rotating)', type: 'emailLabsWebhookApi', data: { secretKey: OLD.secret, urlToken: OLD.token } })).id;
	const workflow = await api('POST', '/workflows', deliveredEventsWorkflow('e2e: rotation', WEBHOOK_ID, { id: credentialId, name: 'EmailLabs webhook (rotating)' }));
	workflowId = workflow.id;
	await api('POST', `/workflows/${workflowId}/activate`);
	await waitFor('the trigger', async () => {
		const probe = await send(OLD);
		if (probe.status !== 200) return undefined;
		accepted.push(...probe.ids);
		return true;
	}, 60_000);
}, 15 * 60_000);

afterAll(async () => {
	await stopExampleInstance(instance);
	await sandbox?.close();
});

it('rotates secret and token while batches keep arriving: nothing refused while valid, every event once, old keys refused after the deadline', async () => {
	const refused: number[] = [];
	const sendAll = async (keys: Array<{ secret: string; token: string }>) => {
		const results = await Promise.all(keys.map(async (key) => await send(key)));
		for (const result of results) {
			if (result.status === 200) accepted.push(...result.ids);
			else refused.push(result.status);
		}
		return results;
	};

	await sendAll([OLD, OLD, OLD]);
	// Step 1: the new values go into n8n, the old ones become "previous" until a deadline.
	const deadline = Date.now() + 20_000;
	await api('PATCH', `/credentials/${credentialId}`, {
		type: 'emailLabsWebhookApi',
		data: { secretKey: NEW.secret, urlToken: NEW.token, previousSecretKey: OLD.secret, previousUrlToken: OLD.token, previousValidUntil: new Date(deadline).toISOString() },
	});
	// Step 2: EmailLabs switches over while its earlier batches are still in flight or retried.
	for (let round = 0; round < 5; round++) await sendAll([OLD, NEW, OLD, NEW]);
	expect(refused).toEqual([]);
	expect(instance.n8n.logs.join('')).toMatch(/rotation still in progress/);

	// Step 3: after the deadline the old keys are refused, the new ones run.
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now() + 1000)));
	const late = await sendAll([OLD, NEW]);
	expect(late.map((result) => result.status)).toEqual([401, 200]);
	// A new secret with the old token, and the reverse, are refused as well.
	expect((await send({ secret: NEW.secret, token: OLD.token })).status).toBe(401);
	expect((await send({ secret: OLD.secret, token: NEW.token })).status).toBe(401);

	const runs = await waitFor('every accepted event to run', async () => {
		const current = await runsPerEvent(workflowId);
		return accepted.every((id) => current.has(id)) ? current : undefined;
	}, 30_000);
	expect([...runs.values()].filter((count) => count !== 1)).toEqual([]);
	expect(runs.size).toBe(accepted.length);
	const logs = instance.n8n.logs.join('');
	for (const secret of [OLD.secret, OLD.token, NEW.secret, NEW.token]) expect(logs).not.toContain(secret);
}, 180_000);
