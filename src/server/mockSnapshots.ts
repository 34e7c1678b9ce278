import type { ApiName } from "../contracts/apiNames.js";
import type { Database, Sql } from "./db/database.js";
import type { ApiModule } from "./http/apiModule.js";

export type SnapshotSummary = { name: string; apis: string[]; createdAt: string; rows: Record<string, number> };

/**
 * Named snapshots of the served APIs' state, kept in the database itself (mock_snapshots): each
 * table's rows as JSON, turned back into rows by jsonb_populate_recordset on restore, so nothing
 * passes through this process and the vault's rows go back as the same ciphertext (no secret is
 * ever decrypted, listed or returned).
 */
export class MockSnapshots {
  private readonly apis: ApiName[];
  /** Parents before children: the order rows go back in (each module lists its tables children first). */
  private readonly tables: string[];

  constructor(
    private readonly database: Database,
    modules: readonly ApiModule[],
  ) {
    this.apis = modules.map((m) => m.api);
    this.tables = modules.flatMap((m) => [...m.tables].reverse());
  }

  /** Saves (or replaces) the snapshot `name`. */
  async save(name: string): Promise<{ summary: SnapshotSummary; replaced: boolean }> {
    const parts = [
      `'vault_secrets', (select coalesce(jsonb_agg(to_jsonb(t)), '[]') from vault_secrets t where t.api = any($2))`,
      `'mock_account_keys', (select coalesce(jsonb_agg(to_jsonb(t)), '[]') from mock_account_keys t where t.api = any($2))`,
      ...this.tables.map((table) => `'${table}', (select coalesce(jsonb_agg(to_jsonb(t)), '[]') from ${table} t)`),
    ];
    return this.database.transaction(async (tx) => {
      const [existing] = await tx.query("select 1 from mock_snapshots where name = $1 for update", [name]);
      await tx.query(
        `insert into mock_snapshots (name, apis, tables, created_at) values ($1, $2, jsonb_build_object(${parts.join(", ")}), now())
         on conflict (name) do update set apis = excluded.apis, tables = excluded.tables, created_at = excluded.created_at`,
        [name, this.apis],
      );
      const [summary] = await this.summaries(tx, name);
      return { summary: summary!, replaced: existing !== undefined };
    });
  }

  list(): Promise<SnapshotSummary[]> {
    return this.summaries(this.database);
  }

  /**
   * Puts back exactly the rows saved under `name` for the APIs it was taken of; undefined when
   * there is no such snapshot. Throws a SnapshotMismatch when it was taken of other APIs.
   */
  async restore(name: string): Promise<SnapshotSummary | undefined> {
    return this.database.transaction(async (tx) => {
      const [snapshot] = await tx.query<{ apis: string[] }>("select apis from mock_snapshots where name = $1", [name]);
      if (!snapshot) return undefined;
      if ([...snapshot.apis].sort().join() !== [...this.apis].sort().join()) throw new SnapshotMismatch(snapshot.apis, this.apis);
      await tx.query(`truncate ${[...this.tables].reverse().join(", ")} cascade`);
      await tx.query("delete from vault_secrets where api = any($1)", [this.apis]);
      await tx.query("delete from mock_account_keys where api = any($1)", [this.apis]);
      for (const table of ["vault_secrets", "mock_account_keys", ...this.tables]) {
        await tx.query(
          `insert into ${table} select r.* from mock_snapshots s, jsonb_populate_recordset(null::${table}, s.tables -> '${table}') r where s.name = $1`,
          [name],
        );
      }
      const [summary] = await this.summaries(tx, name);
      return summary;
    });
  }

  private async summaries(sql: Sql, name?: string): Promise<SnapshotSummary[]> {
    const rows = await sql.query<{ name: string; apis: string[]; created_at: Date; rows: Record<string, number> }>(
      `select name, apis, created_at, (select jsonb_object_agg(key, jsonb_array_length(value)) from jsonb_each(tables)) as rows
       from mock_snapshots where $1::text is null or name = $1 order by created_at, name`,
      [name ?? null],
    );
    return rows.map((r) => ({ name: r.name, apis: r.apis, createdAt: r.created_at.toISOString(), rows: r.rows }));
  }
}

export class SnapshotMismatch extends Error {
  constructor(saved: readonly string[], served: readonly string[]) {
    super(`The snapshot was taken of ${saved.join(", ")}; this server serves ${served.join(", ")}.`);
  }
}
