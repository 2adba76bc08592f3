/**
 * `npm start`: n8n with this package, the EmailLabs sandbox and the example workflows, in one command.
 * First run: provisions n8n (cached in .e2e/), imports the sandbox credentials and the examples.
 * Every run: rebuilds and reinstalls the package the way Settings → Community Nodes would, and
 * once n8n runs, makes sure the Data Tables and the workflows that use them exist (the event
 * archive and its lookup; the double opt-in, the follow-up after an open, the deliverability alert).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { startSandbox } from '../sandbox/server';
import { EXAMPLES_DIR, createExampleWorkflow, ensureArchiveTables, ensureAutomationTables, exampleWorkflows, materialiseExamples, materialiseText, usesDataTables, type ExampleWorkflow, type PublicApiCall } from './examples';
import { OWNER, ProvisionFailed, createApiKey, installCommunityPackage, login, n8nCli, packPackage, provision, startN8n, type InstanceOptions } from './n8nInstance';
import { ROOT } from './paths';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8025);
const WEBHOOK_SECRET = 'sandbox-webhook-secret';

/** A public-API caller with a key kept in the state folder (created on first use, replaced when n8n no longer takes it). */
async function publicApiOf(url: string, keyFile: string): Promise<PublicApiCall> {
	const call = (key: string): PublicApiCall => async (method, path, body) => {
		const response = await fetch(`${url}/api/v1${path}`, {
			method,
			headers: { 'X-N8N-API-KEY': key, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
	if (existsSync(keyFile)) {
		const key = readFileSync(keyFile, 'utf8').trim();
		if ((await fetch(`${url}/api/v1/workflows?limit=1`, { headers: { 'X-N8N-API-KEY': key } })).ok) return call(key);
	}
	const key = await createApiKey(url, await login(url));
	writeFileSync(keyFile, key, { mode: 0o600 });
	return call(key);
}

/**
 * The examples that use Data Tables: the tables (reused by name), then each of those workflows that
 * does not exist yet (by name), created with the tables' ids and n8n's URL and activated. A workflow
 * that exists is left as it is: it may have been edited or deactivated on purpose.
 */
async function setUpTableExamples(api: PublicApiCall, sandboxUrl: string, n8nUrl: string, workflows: ExampleWorkflow[]): Promise<void> {
	const tableIds = { ...(await ensureArchiveTables(api)), ...(await ensureAutomationTables(api)) };
	for (const workflow of workflows) {
		const existing = await api('GET', `/workflows?name=${encodeURIComponent(workflow.name)}`);
		if (existing.data.some((entry: { name: string }) => entry.name === workflow.name)) continue;
		console.log(`[start] creating and activating “${workflow.name}”…`);
		await createExampleWorkflow(api, workflow, { sandboxUrl, tableIds, n8nUrl });
	}
}

/** The ids in examples/credentials.json. */
const credentialIds = (): string[] => (JSON.parse(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8')) as Array<{ id: string }>).map((entry) => entry.id);

/**
 * Imports the example credentials added since the state folder was set up (e.g. the double opt-in's
 * link secret), leaving the others alone: they may have been edited. A state folder from before
 * this list was kept had the first three.
 */
function importNewCredentials(options: InstanceOptions, sandboxUrl: string, stateDir: string, listFile: string): void {
	const known: string[] = existsSync(listFile) ? JSON.parse(readFileSync(listFile, 'utf8')) : ['eLsandboxLegacy1', 'eLsandboxV21Keys', 'eLsandboxWebhook'];
	const all = JSON.parse(materialiseText(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8'), sandboxUrl)) as Array<{ id: string; name: string }>;
	const added = all.filter((entry) => !known.includes(entry.id));
	if (added.length) {
		console.log(`[start] importing the new example credentials: ${added.map((entry) => entry.name).join(', ')}…`);
		const file = join(stateDir, 'examples', 'new-credentials.json');
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, JSON.stringify(added));
		n8nCli(options, ['import:credentials', `--input=${file}`]);
	}
	writeFileSync(listFile, JSON.stringify(all.map((entry) => entry.id)));
}

async function main() {
	console.log('[start] building the package…');
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
	const provisioned = provision();
	const stateDir = join(ROOT, '.e2e', 'local');
	const options: InstanceOptions = { provisioned, stateDir, port: N8N_PORT, brokerPort: N8N_PORT + 1 };

	console.log('[start] installing the packed package into n8n’s community-nodes folder…');
	installCommunityPackage(stateDir, packPackage(join(ROOT, '.e2e', 'pack')), provisioned.node);

	const workflows = exampleWorkflows();
	const byFile = (file: string) => workflows.find((workflow) => workflow.file === file);
	const cleanup = byFile('bounce-complaint-cleanup.json');
	const signup = byFile('crm-signup-welcome.json');
	const archive = byFile('email-event-archive.json');
	const lookup = byFile('email-status-lookup.json');
	const optIn = byFile('double-opt-in-discount.json');
	const followUp = byFile('follow-up-after-open.json');
	const alert = byFile('deliverability-alert.json');
	const signupPath = signup?.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path;
	const optInPath = optIn?.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path;
	const lookupPath = lookup?.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path;
	const triggerUrlOf = (workflow: ExampleWorkflow | undefined) =>
		`http://127.0.0.1:${N8N_PORT}/webhook/${workflow?.nodes.find((node) => node.type.endsWith('.emailLabsTrigger'))?.webhookId}/webhook`;
	const triggerUrls = [cleanup, archive, followUp, alert].filter((workflow) => workflow !== undefined).map(triggerUrlOf);

	// Every event goes to every EmailLabs Trigger, as several webhook channels would in EmailLabs.
	const sandbox = await startSandbox({
		port: SANDBOX_PORT,
		webhooks: triggerUrls.map((url) => ({ url, format: 'json' as const, secretKey: WEBHOOK_SECRET })),
	});

	const marker = join(stateDir, '.examples-imported');
	const credentialsMarker = join(stateDir, '.examples-credentials.json');
	if (!existsSync(marker)) {
		console.log('[start] importing the sandbox credentials and the example workflows…');
		const { credentialsFile, workflowsDir } = materialiseExamples(sandbox.url, join(stateDir, 'examples'));
		n8nCli(options, ['import:credentials', `--input=${credentialsFile}`]);
		n8nCli(options, ['import:workflow', '--separate', `--input=${workflowsDir}`]);
		for (const workflow of [signup, cleanup]) if (workflow) n8nCli(options, ['publish:workflow', `--id=${workflow.id}`]);
		writeFileSync(marker, new Date().toISOString());
		writeFileSync(credentialsMarker, JSON.stringify(credentialIds()));
	} else {
		importNewCredentials(options, sandbox.url, stateDir, credentialsMarker);
	}

	console.log('[start] starting n8n…');
	const n8n = await startN8n(options);
	let archiveProblem = '';
	try {
		await setUpTableExamples(await publicApiOf(n8n.url, join(stateDir, '.public-api-key')), sandbox.url, n8n.url, workflows.filter(usesDataTables));
	} catch (error) {
		archiveProblem = `\n  The examples with Data Tables could not be set up: ${(error as Error).message}\n`;
	}
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\n[start] stopping n8n and the sandbox…');
		await n8n.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	n8n.process.on('exit', (code) => {
		if (!stopping) {
			console.error(`[start] n8n exited (${code}). Last log lines:\n${n8n.logs.join('').slice(-2000)}`);
			void sandbox.close().then(() => process.exit(1));
		}
	});

	console.log(`
  n8n                ${n8n.url}
    sign in with     ${OWNER.email} / ${OWNER.password}
  EmailLabs sandbox  ${sandbox.url}  (sent messages, blacklist, buttons to fire events)

  Example workflows (Overview in n8n):
${workflows.map((workflow) => `    - ${workflow.name}`).join('\n')}
  All of them but the daily report are active; the sandbox sends its signed events to
${triggerUrls.map((url) => `    ${url}`).join('\n')}
  Try it: a signup whose address bounces
    curl -X POST ${n8n.url}/webhook/${signupPath} -H 'content-type: application/json' \\
         -d '{"email":"jan@bounce.test","firstName":"Jan","company":"Acme"}'
  then watch the sandbox page: the welcome email arrives, bounces, and the clean-up example
  blacklists the address and tells the CRM stand-in. Executions are listed in n8n.
  Every event is also archived in the Data Tables “EmailLabs events” and “EmailLabs message
  status” (Overview → Data tables); look up one message's status and history:
    curl '${n8n.url}/webhook/${lookupPath}?messageId=<Message ID from the sandbox page>'
  Double opt-in: sign up, then open the link in the confirmation email on the sandbox page
    curl -X POST ${n8n.url}/webhook/${optInPath} -H 'content-type: application/json' \\
         -d '{"email":"ola@example.com","firstName":"Ola"}'
  Follow-up: send with tag spring-sale (or a Message ID starting spring-sale.), press Open on the
  sandbox page. Alert: send to a few …@softbounce.test addresses; see ${sandbox.url}/_sandbox/chat/deliverability
${archiveProblem}
  Ctrl-C stops everything.
`);
}

main().catch((error) => {
	console.error(error instanceof ProvisionFailed ? `[start] ${error.message}` : error);
	process.exit(1);
});
