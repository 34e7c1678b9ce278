import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import { notFound } from "../../http/apiError.js";
import { planConnectorChanges, type AuthScope, type ConnectorChange, type ConnectorWriteMode, type PackConnectorState } from "./connectorPlan.js";

export type PackConnectorRow = { slug: string; auth_scope: AuthScope; enabled_tools: string[] };

/** A tool pack with its connectors, in the order they were attached. */
export type ToolPackRow = { id: string; name: string; description: string; connectors: PackConnectorRow[] };

export type ToolPackFields = { name?: string; description?: string };

/** A pack to create: its account, fields and resolved connectors; its id is new unless given (the seed's are fixed). */
export type NewToolPack = { accountId: string; fields: Required<ToolPackFields>; changes: readonly ConnectorChange[]; id?: string };

export const toolPackNotFound = () => notFound("Tool pack not found.");
export const connectorNotInToolPack = (slug: string) => notFound(`The connector "${slug}" is not in this tool pack.`);

/*
 * Every statement costs a round trip on PostgreSQL and ~0.3 ms of CPU on PGlite whatever it does,
 * so each request here is as few statements as it can be: a pack comes with its connectors
 * aggregated into one JSON column, and a write of several connectors is one statement.
 */

/** The connectors of the pack `p`, as a JSON array in attach order. */
const CONNECTORS_OF_P = `coalesce((
  select json_agg(json_build_object('slug', c.slug, 'auth_scope', c.auth_scope, 'enabled_tools', c.enabled_tools) order by c.seq)
  from merge_tool_pack_connectors c where c.tool_pack_id = p.id), '[]')`;

/**
 * Insert input for merge_tool_pack_connectors from a JSON array `items` of `{slug, auth_scope,
 * enabled_tools}`, in array order. For the connectors of several packs at once, `packs` names the
 * row source the array belongs to, and `packsFirst` the order of those rows.
 */
const connectorItems = ({ items, packId, accountId, packs = "", packsFirst = "" }: { items: string; packId: string; accountId: string; packs?: string; packsFirst?: string }) =>
  `select ${packId}, ${accountId}, i.item->>'slug', i.item->>'auth_scope', i.item->'enabled_tools'
   from ${packs ? `${packs}, ` : ""}jsonb_array_elements(${items}) with ordinality as i(item, ord) order by ${packsFirst ? `${packsFirst}, ` : ""}i.ord`;

/** SQL for tool packs and their connectors; every query is scoped to the calling key's account. */
export class MergeStore {
  /** One page of the account's tool packs, oldest first [ours], and how many it has (also when the page is empty). */
  async listToolPacks(sql: Sql, accountId: string, limit: number, offset: number): Promise<{ count: number; packs: ToolPackRow[] }> {
    const rows = await sql.query<{ count: number } & Partial<ToolPackRow>>(
      `select total.count, p.id, p.name, p.description, ${CONNECTORS_OF_P} as connectors
       from (select count(*)::int as count from merge_tool_packs where account_id = $1) total
       left join (select id, name, description, seq from merge_tool_packs where account_id = $1 order by seq limit $2 offset $3) p on true
       order by p.seq`,
      // A huge page number is a 404 like any page past the end, not a bigint the database refuses.
      [accountId, limit, Math.min(offset, Number.MAX_SAFE_INTEGER)],
    );
    const packs = rows.flatMap(({ id, name, description, connectors }) => (id ? [{ id, name: name!, description: description!, connectors: connectors! }] : []));
    return { count: rows[0]!.count, packs };
  }

  async getToolPack(sql: Sql, accountId: string, id: string): Promise<ToolPackRow> {
    const [row] = await sql.query<ToolPackRow>(
      `select id, name, description, ${CONNECTORS_OF_P} as connectors from merge_tool_packs p where id = $1 and account_id = $2`,
      [id, accountId],
    );
    if (!row) throw toolPackNotFound();
    return row;
  }

  /**
   * Locks the tool pack until the transaction ends: every write to a pack's connectors takes this
   * lock first, so concurrent read-modify-writes (M4, M7, M8, M9) of one pack take turns and none
   * loses another's change. Its connectors are read by a LATER statement: one that waited for the
   * lock still reads from the snapshot it started with, so it would miss the previous holder's writes.
   */
  async lockToolPack(tx: Sql, accountId: string, id: string): Promise<void> {
    const locked = await tx.query("select id from merge_tool_packs where id = $1 and account_id = $2 for update", [id, accountId]);
    if (locked.length === 0) throw toolPackNotFound();
  }

  /**
   * Creates the packs, each with its connectors (as a `replace` on an empty pack), in one
   * statement: a batch of concurrent creates (see batchedWrites.ts) costs one round trip and one
   * commit, and a pack is never there without its connectors. Each pack is `seq`-ordered as it
   * comes in `packs`, its connectors as they come in it. The answers are built from what was
   * inserted, not read back: returning each pack with its connectors aggregated to JSON made the
   * statement 0.48 ms of PGlite's time instead of 0.34.
   */
  async createToolPacks(sql: Sql, packs: readonly NewToolPack[]): Promise<ToolPackRow[]> {
    const rows = packs.map((pack) => ({
      id: pack.id ?? randomUUID(),
      account_id: pack.accountId,
      name: pack.fields.name,
      description: pack.fields.description,
      connectors: planConnectorChanges([], pack.changes, "replace").upserts.map(toItem),
    }));
    await sql.query(
      `with new_packs as (
         select (i.item->>'id')::uuid as id, i.item->>'account_id' as account_id, i.item->>'name' as name,
                i.item->>'description' as description, i.item->'connectors' as connectors, i.ord
         from jsonb_array_elements($1::jsonb) with ordinality as i(item, ord)
       ), packs as (
         insert into merge_tool_packs (id, account_id, name, description)
         select id, account_id, name, description from new_packs order by ord
       )
       insert into merge_tool_pack_connectors (tool_pack_id, account_id, slug, auth_scope, enabled_tools)
       ${connectorItems({ items: "p.connectors", packId: "p.id", accountId: "p.account_id", packs: "new_packs p", packsFirst: "p.ord" })}`,
      [JSON.stringify(rows)],
    );
    return rows.map(({ id, name, description, connectors }) => ({ id, name, description, connectors }));
  }

  /** Updates the pack's fields; call it after lockToolPack (see there why the connectors read is fresh). */
  async updateToolPack(tx: Sql, accountId: string, id: string, fields: ToolPackFields): Promise<ToolPackRow> {
    const [row] = await tx.query<ToolPackRow>(
      `update merge_tool_packs p set name = coalesce($3, name), description = coalesce($4, description), updated_at = now()
       where id = $1 and account_id = $2 returning id, name, description, ${CONNECTORS_OF_P} as connectors`,
      [id, accountId, fields.name ?? null, fields.description ?? null],
    );
    if (!row) throw toolPackNotFound();
    return row;
  }

  async deleteToolPack(sql: Sql, accountId: string, id: string): Promise<void> {
    const deleted = await sql.query("delete from merge_tool_packs where id = $1 and account_id = $2 returning id", [id, accountId]);
    if (deleted.length === 0) throw toolPackNotFound();
  }

  /** The pack's connectors, in attach order (no account check: call it after lockToolPack). */
  connectorsOf(sql: Sql, toolPackId: string) {
    return sql.query<PackConnectorRow>(
      "select slug, auth_scope, enabled_tools from merge_tool_pack_connectors where tool_pack_id = $1 order by seq",
      [toolPackId],
    );
  }

  /**
   * Applies the changes (see planConnectorChanges) to `current`, the pack's connectors, and returns
   * the connectors after them. Call it inside a transaction, after lockToolPack and reading `current`.
   * One statement detaches and upserts; as it cannot see its own writes, the list after them is its
   * upserted rows plus the untouched rows of its snapshot.
   */
  async applyConnectorChanges(
    tx: Sql,
    accountId: string,
    toolPackId: string,
    current: readonly PackConnectorRow[],
    changes: readonly ConnectorChange[],
    mode: ConnectorWriteMode,
  ): Promise<PackConnectorRow[]> {
    const plan = planConnectorChanges(current.map(toState), changes, mode);
    if (plan.upserts.length === 0 && plan.removals.length === 0) return [...current];
    return tx.query<PackConnectorRow>(
      `with removed as (
         delete from merge_tool_pack_connectors where tool_pack_id = $1::uuid and slug in (select jsonb_array_elements_text($3::jsonb)) returning slug
       ), upserted as (
         -- A connector already in the pack keeps its row, and so its place (seq) in the list.
         insert into merge_tool_pack_connectors (tool_pack_id, account_id, slug, auth_scope, enabled_tools) ${connectorItems({ items: "$4::jsonb", packId: "$1::uuid", accountId: "$2::text" })}
         on conflict (tool_pack_id, slug) do update set auth_scope = excluded.auth_scope, enabled_tools = excluded.enabled_tools, updated_at = now()
         returning slug, auth_scope, enabled_tools, seq
       )
       select slug, auth_scope, enabled_tools from (
         select slug, auth_scope, enabled_tools, seq from upserted
         union all
         select slug, auth_scope, enabled_tools, seq from merge_tool_pack_connectors
         where tool_pack_id = $1::uuid and slug not in (select slug from removed) and slug not in (select slug from upserted)
       ) pack_connectors order by seq`,
      [toolPackId, accountId, JSON.stringify(plan.removals), JSON.stringify(plan.upserts.map(toItem))],
    );
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

function toItem(state: PackConnectorState): PackConnectorRow {
  return { slug: state.slug, auth_scope: state.authScope, enabled_tools: state.toolNames };
}
