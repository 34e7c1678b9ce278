import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import { notFound } from "../../http/apiError.js";
import { planConnectorChanges, type AuthScope, type ConnectorChange, type ConnectorWriteMode, type PackConnectorState } from "./connectorPlan.js";

export type ToolPackRow = { id: string; name: string; description: string };

export type PackConnectorRow = { tool_pack_id: string; slug: string; auth_scope: AuthScope; enabled_tools: string[] };

export type ToolPackFields = { name?: string; description?: string };

const PACK_COLUMNS = "id, name, description";
const CONNECTOR_COLUMNS = "tool_pack_id, slug, auth_scope, enabled_tools";

export const toolPackNotFound = () => notFound("Tool pack not found.");
export const connectorNotInToolPack = (slug: string) => notFound(`The connector "${slug}" is not in this tool pack.`);

/** SQL for tool packs and their connectors; every query is scoped to the calling key's account. */
export class MergeStore {
  async countToolPacks(sql: Sql, accountId: string): Promise<number> {
    const [row] = await sql.query<{ count: number }>("select count(*)::int as count from merge_tool_packs where account_id = $1", [accountId]);
    return row!.count;
  }

  /** One page of the account's tool packs, oldest first [ours]. */
  listToolPacks(sql: Sql, accountId: string, limit: number, offset: number) {
    return sql.query<ToolPackRow>(
      `select ${PACK_COLUMNS} from merge_tool_packs where account_id = $1 order by seq limit $2 offset $3`,
      [accountId, limit, offset],
    );
  }

  async getToolPack(sql: Sql, accountId: string, id: string): Promise<ToolPackRow> {
    const [row] = await sql.query<ToolPackRow>(`select ${PACK_COLUMNS} from merge_tool_packs where id = $1 and account_id = $2`, [id, accountId]);
    if (!row) throw toolPackNotFound();
    return row;
  }

  /**
   * The tool pack, locked until the transaction ends: every write to a pack's connectors takes
   * this lock first, so concurrent read-modify-writes (M4, M7, M8, M9) of one pack take turns
   * and none loses another's change.
   */
  async lockToolPack(tx: Sql, accountId: string, id: string): Promise<ToolPackRow> {
    const [row] = await tx.query<ToolPackRow>(
      `select ${PACK_COLUMNS} from merge_tool_packs where id = $1 and account_id = $2 for update`,
      [id, accountId],
    );
    if (!row) throw toolPackNotFound();
    return row;
  }

  async createToolPack(sql: Sql, accountId: string, fields: Required<ToolPackFields>, id: string = randomUUID()): Promise<ToolPackRow> {
    const [row] = await sql.query<ToolPackRow>(
      `insert into merge_tool_packs (id, account_id, name, description) values ($1, $2, $3, $4) returning ${PACK_COLUMNS}`,
      [id, accountId, fields.name, fields.description],
    );
    return row!;
  }

  async updateToolPack(sql: Sql, accountId: string, id: string, fields: ToolPackFields): Promise<ToolPackRow> {
    const [row] = await sql.query<ToolPackRow>(
      `update merge_tool_packs set name = coalesce($3, name), description = coalesce($4, description), updated_at = now()
       where id = $1 and account_id = $2 returning ${PACK_COLUMNS}`,
      [id, accountId, fields.name ?? null, fields.description ?? null],
    );
    if (!row) throw toolPackNotFound();
    return row;
  }

  async deleteToolPack(sql: Sql, accountId: string, id: string): Promise<void> {
    const deleted = await sql.query("delete from merge_tool_packs where id = $1 and account_id = $2 returning id", [id, accountId]);
    if (deleted.length === 0) throw toolPackNotFound();
  }

  /** The connectors of these packs, in the order they were attached. */
  connectorsOf(sql: Sql, toolPackIds: readonly string[]) {
    if (toolPackIds.length === 0) return Promise.resolve([] as PackConnectorRow[]);
    return sql.query<PackConnectorRow>(
      `select ${CONNECTOR_COLUMNS} from merge_tool_pack_connectors
       where tool_pack_id in (select jsonb_array_elements_text($1::jsonb)::uuid) order by seq`,
      [JSON.stringify(toolPackIds)],
    );
  }

  /**
   * Reads the pack's connectors, applies the changes (see planConnectorChanges) and returns the
   * connectors after them. Call it inside a transaction, after lockToolPack.
   */
  async applyConnectorChanges(tx: Sql, accountId: string, toolPackId: string, changes: readonly ConnectorChange[], mode: ConnectorWriteMode) {
    const current = (await this.connectorsOf(tx, [toolPackId])).map(toState);
    const plan = planConnectorChanges(current, changes, mode);
    for (const slug of plan.removals) await this.removeConnector(tx, toolPackId, slug);
    for (const connector of plan.upserts) {
      // A connector already in the pack keeps its row, and so its place in the list.
      await tx.query(
        `insert into merge_tool_pack_connectors (tool_pack_id, account_id, slug, auth_scope, enabled_tools) values ($1, $2, $3, $4, $5)
         on conflict (tool_pack_id, slug) do update set auth_scope = excluded.auth_scope, enabled_tools = excluded.enabled_tools, updated_at = now()`,
        [toolPackId, accountId, connector.slug, connector.authScope, JSON.stringify(connector.toolNames)],
      );
    }
    return this.connectorsOf(tx, [toolPackId]);
  }

  /** Detaches one connector; false when it was not in the pack. */
  async removeConnector(sql: Sql, toolPackId: string, slug: string): Promise<boolean> {
    const deleted = await sql.query("delete from merge_tool_pack_connectors where tool_pack_id = $1 and slug = $2 returning slug", [toolPackId, slug]);
    return deleted.length > 0;
  }
}

function toState(row: PackConnectorRow): PackConnectorState {
  return { slug: row.slug, authScope: row.auth_scope, toolNames: row.enabled_tools };
}
