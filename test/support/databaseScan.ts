import type { Database } from "../../src/server/db/database.js";

/**
 * Every table of the server's schema except the vault, searched as text for `needle`. Returns
 * the names of the tables that contain it (empty: the secret is nowhere but the vault).
 */
export async function tablesContaining(database: Database, needle: string, except: string[] = ["vault_secrets"]): Promise<string[]> {
  const tables = await database.query<{ table_name: string }>(
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    if (except.includes(table_name)) continue;
    const [hit] = await database.query(`select 1 from ${table_name} t where position($1 in t::text) > 0 limit 1`, [needle]);
    if (hit) found.push(table_name);
  }
  return found;
}

/** The vault's rows hold ciphertext only: the planted value is not readable in them either. */
export async function vaultHoldsPlaintext(database: Database, needle: string): Promise<boolean> {
  const [hit] = await database.query(
    "select 1 from vault_secrets where position(convert_to($1, 'UTF8') in ciphertext) > 0 limit 1",
    [needle],
  );
  return Boolean(hit);
}
