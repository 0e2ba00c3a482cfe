// n8n's Data tables over its REST API (n8n 2.40: /rest/projects/{projectId}/data-tables), as a user creates them
// in Overview > Data tables: the two-way bridge examples keep their id mapping in one (README, "Two-way bridges").
import { MIRROR_COLUMNS } from '../../nodes/M365TeamsMessage/helpers/mirror/row';
import type { N8nRestClient } from './rest';

/** The name the bridge examples look their table up by. */
export const BRIDGE_TABLE_NAME = 'teams-bridge';

export interface DataTable {
	id: string;
	name: string;
	projectId: string;
}

export type DataTableRow = Record<string, unknown>;

/** Creates a Data table in the signed-in user's personal project. */
export async function createDataTable(
	client: N8nRestClient,
	name: string,
	columns: ReadonlyArray<{ name: string; type: 'string' | 'number' | 'boolean' | 'date' }>,
): Promise<DataTable> {
	const projectId = (await client.get<{ id: string }>('/projects/personal')).id;
	const table = await client.post<{ id: string }>(`/projects/${projectId}/data-tables`, { name, columns });
	return { id: table.id, name, projectId };
}

/** The README's steps 1 and 2: `teams-bridge` with the mapping columns (docs/nodes/M365TeamsMessage.md). */
export async function createBridgeTable(client: N8nRestClient): Promise<DataTable> {
	return await createDataTable(client, BRIDGE_TABLE_NAME, MIRROR_COLUMNS);
}

/** Every row of a table (n8n answers at most 250 a page). */
export async function dataTableRows(client: N8nRestClient, table: DataTable): Promise<DataTableRow[]> {
	const rows: DataTableRow[] = [];
	for (let skip = 0; ; ) {
		const page = await client.get<{ data: DataTableRow[]; count: number } | DataTableRow[]>(
			`/projects/${table.projectId}/data-tables/${table.id}/rows?skip=${skip}&take=250`,
		);
		const list = Array.isArray(page) ? page : page.data;
		rows.push(...list);
		skip += list.length;
		if (Array.isArray(page) || list.length === 0 || skip >= page.count) return rows;
	}
}
