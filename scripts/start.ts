/**
 * `npm start`: n8n with this package, the EmailLabs sandbox and the example workflows, in one command.
 * First run: provisions n8n (cached in .e2e/), imports the sandbox credentials and the examples.
 * Every run: rebuilds and reinstalls the package the way Settings → Community Nodes would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startSandbox } from '../sandbox/server';
import { exampleWorkflows, materialiseExamples } from './examples';
import { OWNER, ProvisionFailed, installCommunityPackage, n8nCli, packPackage, provision, startN8n, type InstanceOptions } from './n8nInstance';
import { ROOT } from './paths';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8025);
const WEBHOOK_SECRET = 'sandbox-webhook-secret';

async function main() {
	console.log('[start] building the package…');
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
	const provisioned = provision();
	const stateDir = join(ROOT, '.e2e', 'local');
	const options: InstanceOptions = { provisioned, stateDir, port: N8N_PORT, brokerPort: N8N_PORT + 1 };

	console.log('[start] installing the packed package into n8n’s community-nodes folder…');
	installCommunityPackage(stateDir, packPackage(join(ROOT, '.e2e', 'pack')), provisioned.node);

	const workflows = exampleWorkflows();
	const cleanup = workflows.find((workflow) => workflow.nodes.some((node) => node.type.endsWith('.emailLabsTrigger')));
	const signup = workflows.find((workflow) => workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook'));
	const signupPath = signup?.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')?.parameters.path;
	const triggerNode = cleanup?.nodes.find((node) => node.type.endsWith('.emailLabsTrigger'));
	const triggerUrl = `http://127.0.0.1:${N8N_PORT}/webhook/${triggerNode?.webhookId}/webhook`;

	const sandbox = await startSandbox({ port: SANDBOX_PORT, webhooks: [{ url: triggerUrl, format: 'json', secretKey: WEBHOOK_SECRET }] });

	const marker = join(stateDir, '.examples-imported');
	if (!existsSync(marker)) {
		console.log('[start] importing the sandbox credentials and the example workflows…');
		const { credentialsFile, workflowsDir } = materialiseExamples(sandbox.url, join(stateDir, 'examples'));
		n8nCli(options, ['import:credentials', `--input=${credentialsFile}`]);
		n8nCli(options, ['import:workflow', '--separate', `--input=${workflowsDir}`]);
		for (const workflow of [signup, cleanup]) if (workflow) n8nCli(options, ['publish:workflow', `--id=${workflow.id}`]);
		writeFileSync(marker, new Date().toISOString());
	}

	console.log('[start] starting n8n…');
	const n8n = await startN8n(options);
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
  The CRM signup and the clean-up examples are active; the sandbox sends its signed events to
    ${triggerUrl}
  Try it: a signup whose address bounces
    curl -X POST ${n8n.url}/webhook/${signupPath} -H 'content-type: application/json' \\
         -d '{"email":"jan@bounce.test","firstName":"Jan","company":"Acme"}'
  then watch the sandbox page: the welcome email arrives, bounces, and the clean-up example
  blacklists the address and tells the CRM stand-in. Executions are listed in n8n.

  Ctrl-C stops everything.
`);
}

main().catch((error) => {
	console.error(error instanceof ProvisionFailed ? `[start] ${error.message}` : error);
	process.exit(1);
});
