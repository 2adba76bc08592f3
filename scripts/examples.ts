/** Writes the example credentials and workflows for a given sandbox URL, ready for n8n's import CLI. */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './paths';

export const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:8025';
export const EXAMPLES_DIR = join(ROOT, 'examples');

export interface ExampleWorkflow {
	id: string;
	name: string;
	file: string;
	nodes: Array<{ name: string; type: string; webhookId?: string; parameters: Record<string, unknown> }>;
}

export function exampleWorkflows(): ExampleWorkflow[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json') && file !== 'credentials.json')
		.sort()
		.map((file) => ({ ...JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')), file }));
}

/** Copies the examples into `outDir` with the sandbox URL they reference replaced by `sandboxUrl`. */
export function materialiseExamples(sandboxUrl: string, outDir: string): { credentialsFile: string; workflowsDir: string } {
	const workflowsDir = join(outDir, 'workflows');
	mkdirSync(workflowsDir, { recursive: true });
	const swap = (text: string) => text.split(EXAMPLE_SANDBOX_URL).join(sandboxUrl);
	const credentialsFile = join(outDir, 'credentials.json');
	writeFileSync(credentialsFile, swap(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8')));
	for (const workflow of exampleWorkflows()) {
		writeFileSync(join(workflowsDir, workflow.file), swap(readFileSync(join(EXAMPLES_DIR, workflow.file), 'utf8')));
	}
	return { credentialsFile, workflowsDir };
}
