/**
 * n8n Data Tables through the public API (n8n 2.41.1), for the end-to-end tests of the event
 * archive: `GET /data-tables/{id}/rows` pages with `limit` (at most 250) and `nextCursor`, and
 * filters with `filter={"type":"and","filters":[{"columnName","condition":"eq",…,"value"}]}`.
 * Rows carry the table's columns plus n8n's id, createdAt and updatedAt (dates as ISO text).
 */
import type { publicApi } from './realN8n';

type PublicApi = ReturnType<typeof publicApi>;
export type Row = Record<string, unknown> & { id: number };

/** Every row of a table, optionally only those whose `column` equals `value`. */
export async function tableRows(api: PublicApi, tableId: string, where?: { column: string; value: unknown }): Promise<Row[]> {
	const filter = where ? `&filter=${encodeURIComponent(JSON.stringify({ type: 'and', filters: [{ columnName: where.column, condition: 'eq', value: where.value }] }))}` : '';
	const rows: Row[] = [];
	let cursor: string | undefined;
	do {
		const page = await api('GET', `/data-tables/${tableId}/rows?limit=250${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		rows.push(...(page.data as Row[]));
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return rows;
}

/** How many rows hold each value of `column`. */
export function countBy(rows: Row[], column: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const row of rows) counts.set(String(row[column]), (counts.get(String(row[column])) ?? 0) + 1);
	return counts;
}

/** The values that occur more than once, with their counts. */
export function repeated(counts: Map<string, number>): Array<[string, number]> {
	return [...counts.entries()].filter(([, count]) => count > 1);
}
