/**
 * The example workflows: the credentials and workflows for a given sandbox URL, ready for n8n's
 * import CLI, and the n8n Data Tables the event-archive examples write to (created through n8n's
 * public API, which needs a running n8n: n8n 2.41.1 has no CLI command that creates a data table).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './paths';

export const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:8025';
/** n8n's own URL as the workflow files write it (the double opt-in puts it into its confirmation links). */
export const EXAMPLE_N8N_URL = 'http://localhost:5678';
export const EXAMPLES_DIR = join(ROOT, 'examples');

export interface ExampleWorkflow {
	id: string;
	name: string;
	file: string;
	nodes: Array<{ name: string; type: string; webhookId?: string; parameters: Record<string, unknown> }>;
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
}

export function exampleWorkflows(): ExampleWorkflow[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json') && file !== 'credentials.json')
		.sort()
		.map((file) => ({ ...JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')), file }));
}

type ColumnType = 'string' | 'number' | 'boolean' | 'date';

/**
 * The two n8n Data Tables of the event-archive examples. In the workflow files a Data Table node
 * selects its table with the resource locator `{__rl: true, mode: 'list', value: <table id>,
 * cachedResultName}`; list and id mode use `value` as the id as it is, while name mode looks the
 * name up with a case-insensitive substring match (LIKE '%name%') and takes the first hit, hence
 * ids. The files hold `placeholder` instead of an id, replaced once the table exists.
 * Column names: a letter, then letters, digits or `_` (n8n reserves id, createdAt, updatedAt).
 *
 * The Data Table node (`n8n-nodes-base.dataTable`, typeVersion 1.1 in n8n 2.41.1) as the examples
 * use it, all with `resource: 'row'`:
 * - `operation: 'insert'`, `columns: {mappingMode: 'autoMapInputData', value: {}, schema: [], …}`:
 *   each item's JSON is one row (unknown keys are an error); with a constant table id all items go
 *   in one insert, and the output is the inserted rows.
 * - `operation: 'get' | 'upsert' | 'update' | 'rowNotExists'`: `filters: {conditions: [{keyName,
 *   condition?, keyValue?}]}` (condition eq, neq, like, ilike, gt, gte, lt, lte, isEmpty,
 *   isNotEmpty, isTrue, isFalse; default eq), `matchType: 'anyCondition' (default) | 'allConditions'`,
 *   evaluated per item. get: `returnAll` or `limit` (default 50), `orderBy: true, orderByColumn,
 *   orderByDirection: 'ASC' | 'DESC'`; no rows = no items (hence alwaysOutputData in the lookup).
 *   upsert and update need a condition; upsert updates every match or inserts one row (inside one
 *   transaction); update writes the matching rows only. `columns: {mappingMode: 'defineBelow',
 *   value: {column: expression}, schema: [{id, displayName, type, …}]}` names the values to write.
 *   rowNotExists passes on the items no row matches.
 * - Date columns take ISO text and come back as ISO text (typeVersion 1.1).
 */
export const ARCHIVE_TABLES = {
	events: {
		name: 'EmailLabs events',
		placeholder: '__EMAILLABS_EVENTS_TABLE_ID__',
		columns: [
			['eventKey', 'string'],
			['messageId', 'string'],
			['event', 'string'],
			['status', 'string'],
			['occurredAt', 'date'],
			['timestamp', 'number'],
			['email', 'string'],
			['url', 'string'],
			['description', 'string'],
			['bounceType', 'string'],
			['smtpAccount', 'string'],
			['source', 'string'],
			['requestId', 'string'],
			['receivedAt', 'date'],
		] as Array<[string, ColumnType]>,
	},
	status: {
		name: 'EmailLabs message status',
		placeholder: '__EMAILLABS_STATUS_TABLE_ID__',
		columns: [
			['messageId', 'string'],
			['email', 'string'],
			['smtpAccount', 'string'],
			['event', 'string'],
			['status', 'string'],
			['eventAt', 'date'],
			['firstDeliveredAt', 'date'],
			['firstOpenedAt', 'date'],
			['firstClickedAt', 'date'],
			['firstBouncedAt', 'date'],
			['bounceType', 'string'],
			['bounceReason', 'string'],
			['openCount', 'number'],
			['clickCount', 'number'],
			['eventCount', 'number'],
		] as Array<[string, ColumnType]>,
	},
} as const;

export type ArchiveTable = keyof typeof ARCHIVE_TABLES;
export type ArchiveTableIds = Record<ArchiveTable, string>;

/**
 * The Data Tables of the three automations (issue #13): the double opt-in's confirmations, the
 * follow-ups' claims, and the deliverability alert's outcomes and alert state. The claim tables are
 * append-only: an execution inserts its claim, then reads the first row of the claim's key (lowest
 * id); only the execution whose row that is sends (see examples/README.md).
 */
export const AUTOMATION_TABLES = {
	optIns: {
		name: 'EmailLabs opt-in confirmations',
		placeholder: '__EMAILLABS_OPTINS_TABLE_ID__',
		columns: [
			['email', 'string'],
			['code', 'string'],
			['executionId', 'string'],
		] as Array<[string, ColumnType]>,
	},
	followUps: {
		name: 'EmailLabs follow-ups',
		placeholder: '__EMAILLABS_FOLLOWUPS_TABLE_ID__',
		columns: [
			['claimKey', 'string'],
			['email', 'string'],
			['campaign', 'string'],
			['messageId', 'string'],
			['requestId', 'string'],
			['executionId', 'string'],
		] as Array<[string, ColumnType]>,
	},
	outcomes: {
		name: 'EmailLabs delivery outcomes',
		placeholder: '__EMAILLABS_OUTCOMES_TABLE_ID__',
		columns: [
			['smtpAccount', 'string'],
			['event', 'string'],
			['timestamp', 'number'],
			['messageId', 'string'],
		] as Array<[string, ColumnType]>,
	},
	alerts: {
		name: 'EmailLabs deliverability alerts',
		placeholder: '__EMAILLABS_ALERTS_TABLE_ID__',
		columns: [
			['claimKey', 'string'],
			['smtpAccount', 'string'],
			['kind', 'string'],
			['episode', 'number'],
			['text', 'string'],
			['softBounceRate', 'number'],
			['complaintRate', 'number'],
			['outcomes', 'number'],
			['executionId', 'string'],
		] as Array<[string, ColumnType]>,
	},
} as const;

export type AutomationTable = keyof typeof AUTOMATION_TABLES;
export type AutomationTableIds = Record<AutomationTable, string>;

interface TableSpec {
	name: string;
	placeholder: string;
	columns: ReadonlyArray<readonly [string, ColumnType]>;
}
const ALL_TABLES: Record<string, TableSpec> = { ...ARCHIVE_TABLES, ...AUTOMATION_TABLES };

/** Whether a workflow file writes to the archive tables (it holds their placeholders). */
export const usesArchiveTables = (workflow: ExampleWorkflow): boolean =>
	Object.values(ARCHIVE_TABLES).some((table) => JSON.stringify(workflow.nodes).includes(table.placeholder));

/** Whether a workflow file uses any example Data Table (then it can only be created once n8n runs). */
export const usesDataTables = (workflow: Pick<ExampleWorkflow, 'nodes'>): boolean =>
	Object.values(ALL_TABLES).some((table) => JSON.stringify(workflow.nodes).includes(table.placeholder));

/** A caller of n8n's public API (`/api/v1`) that throws on a non-2xx answer. */
export type PublicApiCall = (method: string, path: string, body?: unknown) => Promise<any>;

/**
 * The archive tables' ids, creating each table that does not exist yet, and adding columns an
 * existing table of that name lacks (idempotent: `npm start` runs it every time).
 * n8n 2.41.1 public API: `GET /data-tables?filter={"name":…}` (a case-insensitive substring match,
 * so the exact name is picked from the answer; at most 250 per page, `nextCursor`),
 * `POST /data-tables {name, columns: [{name, type}]}` (201 with the table, 409 for a name taken in
 * the project; created in the API key owner's personal project, where workflows she creates run),
 * `POST /data-tables/{id}/columns {name, type}`. Column types: string, number, boolean, date.
 */
export async function ensureArchiveTables(api: PublicApiCall): Promise<ArchiveTableIds> {
	return await ensureTables(api, ARCHIVE_TABLES);
}

/** The automations' tables (AUTOMATION_TABLES), created or completed like ensureArchiveTables. */
export async function ensureAutomationTables(api: PublicApiCall): Promise<AutomationTableIds> {
	return await ensureTables(api, AUTOMATION_TABLES);
}

async function ensureTables<K extends string>(api: PublicApiCall, tables: Record<K, TableSpec>): Promise<Record<K, string>> {
	const ids = {} as Record<K, string>;
	for (const [key, table] of Object.entries(tables) as Array<[K, TableSpec]>) {
		const found = await api('GET', `/data-tables?limit=250&filter=${encodeURIComponent(JSON.stringify({ name: table.name }))}`);
		const existing = (found.data as Array<{ id: string; name: string; columns: Array<{ name: string }> }>).find((entry) => entry.name === table.name);
		if (existing) {
			const have = new Set(existing.columns.map((column) => column.name));
			for (const [name, type] of table.columns) if (!have.has(name)) await api('POST', `/data-tables/${existing.id}/columns`, { name, type });
			ids[key] = existing.id;
		} else {
			const created = await api('POST', '/data-tables', { name: table.name, columns: table.columns.map(([name, type]) => ({ name, type })) });
			ids[key] = created.id;
		}
	}
	return ids;
}

/**
 * JSON text with the example sandbox URL, the given tables' placeholders (by table key, e.g.
 * `events` or `optIns`) and, when given, n8n's URL (EXAMPLE_N8N_URL) replaced.
 */
export function materialiseText(text: string, sandboxUrl: string, tableIds?: Partial<Record<string, string>>, n8nUrl?: string): string {
	let result = text.split(EXAMPLE_SANDBOX_URL).join(sandboxUrl);
	for (const [key, id] of Object.entries(tableIds ?? {})) if (id && ALL_TABLES[key]) result = result.split(ALL_TABLES[key].placeholder).join(id);
	if (n8nUrl) result = result.split(EXAMPLE_N8N_URL).join(n8nUrl.replace(/\/$/, ''));
	return result;
}

/**
 * Creates an example workflow through the public API with the sandbox URL and the archive tables'
 * ids put in (`POST /workflows` takes name, nodes, connections and settings; n8n assigns the id,
 * the nodes keep their webhookId), and activates it (`POST /workflows/{id}/activate`).
 * Returns the new workflow's id.
 */
export async function createArchiveWorkflow(
	api: PublicApiCall,
	workflow: Pick<ExampleWorkflow, 'name' | 'nodes' | 'connections' | 'settings'>,
	sandboxUrl: string,
	tableIds: ArchiveTableIds,
	activate = true,
): Promise<string> {
	return await createExampleWorkflow(api, workflow, { sandboxUrl, tableIds, activate });
}

/**
 * Any example workflow through the public API (as createArchiveWorkflow), with the given tables'
 * ids and n8n's own URL put in. Fails when a table placeholder is left over.
 */
export async function createExampleWorkflow(
	api: PublicApiCall,
	workflow: Pick<ExampleWorkflow, 'name' | 'nodes' | 'connections' | 'settings'>,
	opts: { sandboxUrl: string; tableIds: Partial<Record<string, string>>; n8nUrl?: string; activate?: boolean },
): Promise<string> {
	const { name, nodes, connections, settings } = workflow;
	const body = JSON.parse(materialiseText(JSON.stringify({ name, nodes, connections, settings }), opts.sandboxUrl, opts.tableIds, opts.n8nUrl));
	if (usesDataTables(body)) throw new Error(`“${name}” still holds a Data Table placeholder: create its tables first`);
	const activate = opts.activate ?? true;
	const created = await api('POST', '/workflows', body);
	if (activate) await api('POST', `/workflows/${created.id}/activate`);
	return created.id as string;
}

/**
 * Copies the credentials and the workflows for n8n's import CLI into `outDir`, with the sandbox URL
 * they reference replaced by `sandboxUrl`. The examples that use Data Tables are left out: their
 * tables can only be created once n8n runs (see createExampleWorkflow).
 */
export function materialiseExamples(sandboxUrl: string, outDir: string): { credentialsFile: string; workflowsDir: string } {
	const workflowsDir = join(outDir, 'workflows');
	mkdirSync(workflowsDir, { recursive: true });
	const credentialsFile = join(outDir, 'credentials.json');
	writeFileSync(credentialsFile, materialiseText(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8'), sandboxUrl));
	for (const workflow of exampleWorkflows().filter((candidate) => !usesDataTables(candidate))) {
		writeFileSync(join(workflowsDir, workflow.file), materialiseText(readFileSync(join(EXAMPLES_DIR, workflow.file), 'utf8'), sandboxUrl));
	}
	return { credentialsFile, workflowsDir };
}
