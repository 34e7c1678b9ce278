import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import type { Sheet } from "./agentScript.js";
import { migrationNotFound } from "./errors.js";

export type MigrationRow = {
  id: string;
  account_id: string;
  name: string;
  source: string | null;
  external_id: string | null;
  status: string;
  sheets: Sheet[];
  preview_run_id: string | null;
};

export type MigrationInput = { name: string; source: string | null; externalId: string | null; sheets: Sheet[] };

const COLUMNS = "id, account_id, name, source, external_id, status, sheets, preview_run_id";

/** SQL for migrations, always scoped to the calling account. */
export class MigrationStore {
  /**
   * Inserts the migration, or, when the account already has one with this external_id, returns
   * that one untouched (`created: false`). The unique index decides, so two concurrent creates
   * with one external_id make one row: the second waits for the first and then finds it.
   */
  async create(sql: Sql, accountId: string, input: MigrationInput, id: string = randomUUID()): Promise<{ row: MigrationRow; created: boolean }> {
    const [inserted] = await sql.query<MigrationRow>(
      `insert into vern_migrations (id, account_id, name, source, external_id, sheets) values ($1, $2, $3, $4, $5, $6)
       on conflict (account_id, external_id) where external_id is not null do nothing
       returning ${COLUMNS}`,
      [id, accountId, input.name, input.source, input.externalId, JSON.stringify(input.sheets)],
    );
    if (inserted) return { row: inserted, created: true };
    const [existing] = await sql.query<MigrationRow>(
      `select ${COLUMNS} from vern_migrations where account_id = $1 and external_id = $2`,
      [accountId, input.externalId],
    );
    if (!existing) throw new Error("external_id conflict without an existing migration");
    return { row: existing, created: false };
  }

  /** The account's migration, or the 404 another account's (or no) migration is. */
  async require(sql: Sql, accountId: string, id: string): Promise<MigrationRow> {
    const [row] = await sql.query<MigrationRow>(`select ${COLUMNS} from vern_migrations where id = $1 and account_id = $2`, [id, accountId]);
    if (!row) throw migrationNotFound();
    return row;
  }

  async byId(sql: Sql, id: string): Promise<MigrationRow | undefined> {
    const [row] = await sql.query<MigrationRow>(`select ${COLUMNS} from vern_migrations where id = $1`, [id]);
    return row;
  }

  /** Points the migration at the run whose preview is current (null: none). */
  async setPreview(sql: Sql, migrationId: string, runId: string | null): Promise<void> {
    await sql.query("update vern_migrations set preview_run_id = $2 where id = $1", [migrationId, runId]);
  }
}
