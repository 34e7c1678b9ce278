import type { ApiName } from "../contracts/apiNames.js";
import type { Sql } from "./db/database.js";
import type { IssuedKey } from "./http/authentication.js";

/** An issued key as /__admin lists it: with what its account was given to start with. */
export type IssuedKeyRow = IssuedKey & { provisioned: Record<string, string>; createdAt: string };

/** The keys issued through /__admin/accounts for the APIs this server serves. */
export async function loadIssuedKeys(sql: Sql, apis: readonly ApiName[]): Promise<IssuedKeyRow[]> {
  const rows = await sql.query<{ key: string; api: ApiName; account_id: string; label: string; provisioned: Record<string, string>; created_at: Date }>(
    "select key, api, account_id, label, provisioned, created_at from mock_account_keys where api = any($1) order by created_at, account_id, api",
    [apis],
  );
  return rows.map((r) => ({ key: r.key, api: r.api, accountId: r.account_id, label: r.label, provisioned: r.provisioned, createdAt: r.created_at.toISOString() }));
}

export async function insertIssuedKey(sql: Sql, key: IssuedKey, provisioned: Record<string, string>): Promise<void> {
  await sql.query("insert into mock_account_keys (key, api, account_id, label, provisioned) values ($1, $2, $3, $4, $5)", [
    key.key, key.api, key.accountId, key.label, JSON.stringify(provisioned),
  ]);
}
