/**
 * Tries examples/crm-signup-welcome.json end to end: posts a sample CRM signup to the n8n webhook,
 * then shows what the EmailLabs sandbox received.
 *   npx ts-node --transpile-only --prefer-ts-exts examples/try-crm-signup.ts
 * Environment: N8N_WEBHOOK_URL (default http://localhost:5678/webhook/crm-signup; use the
 * /webhook-test/ URL while the workflow is not active), SANDBOX_URL (default http://127.0.0.1:8025).
 */
const webhookUrl = process.env.N8N_WEBHOOK_URL ?? 'http://localhost:5678/webhook/crm-signup';
const sandboxUrl = process.env.SANDBOX_URL ?? 'http://127.0.0.1:8025';
const email = process.argv[2] ?? 'ola@example.com';

async function main() {
	const signup = { email, firstName: 'Ola', company: 'Initech', source: 'examples/try-crm-signup.ts' };
	const answer = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(signup) });
	console.log(`n8n answered ${answer.status} for ${JSON.stringify(signup)}`);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const messages = (await (await fetch(`${sandboxUrl}/_sandbox/messages`)).json()) as Array<{ messageId: string; subject: string; status: string; to: { email: string } }>;
	const sent = messages.filter((message) => message.to.email === email);
	if (!sent.length) {
		console.log(`The sandbox has no message to ${email} yet: is the workflow active and the credential pointing at ${sandboxUrl}/api?`);
		return;
	}
	for (const message of sent) console.log(`${message.messageId}: "${message.subject}" → ${message.status}`);
	console.log(`See ${sandboxUrl}/ for the rendered message and to fire events.`);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
