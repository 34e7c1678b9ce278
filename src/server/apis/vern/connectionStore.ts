import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/database.js";
import type { Vault } from "../../secrets/vault.js";

export type ConnectionRow = {
  id: string;
  account_id: string;
  migration_id: string;
  source_key: string;
  profile_id: string | null;
  config: Record<string, unknown>;
  selected_streams: string[] | null;
  stream_state: Record<string, unknown>;
  credentials_secret_id: string | null;
  bound_source_extractor_id: string | null;
  last_snapshot: Record<string, unknown> | null;
  last_sync_at: Date | null;
};

export type ConnectionInput = {
  sourceKey: string;
  profileId: string | null;
  config: Record<string, unknown>;
  selectedStreams: string[] | null;
  streamState: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  /** A fixed id for a new connection (the seed's, so the contract's examples can name it); random otherwise. */
  id?: string;
};

/** Which connection a read or delete addresses: one profile, optionally one connector. */
export type ConnectionAddress = { profileId: string | null; sourceKey?: string };

/** The profile a request means when it names none (the contract's example calls it `default`). */
export const DEFAULT_PROFILE = "default";

const COLUMNS = `id, account_id, migration_id, source_key, profile_id, config, selected_streams, stream_state, credentials_secret_id,
  bound_source_extractor_id, last_snapshot, last_sync_at`;

/** A write by the caller moves updated_at strictly forward, so "the connection written last" is well defined. */
const TOUCHED = "greatest(now(), vern_source_connections.updated_at + interval '1 millisecond')";

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** SQL for source connections; credentials go to the vault, the row keeps only the secret's id. */
export class ConnectionStore {
  constructor(private readonly vault: Vault) {}

  /**
   * Creates the connection or updates it in place (same migration, connector and profile). The
   * request replaces the non-secret fields; credentials, when sent, overwrite the stored secret,
   * and when omitted leave it as it was.
   */
  async upsert(sql: Sql, migration: { id: string; account_id: string }, input: ConnectionInput): Promise<ConnectionRow> {
    const [row] = await sql.query<ConnectionRow>(
      `insert into vern_source_connections (id, account_id, migration_id, source_key, profile_id, config, selected_streams, stream_state)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (migration_id, source_key, profile_id) do update set config = excluded.config,
         selected_streams = excluded.selected_streams, stream_state = excluded.stream_state,
         updated_at = ${TOUCHED}
       returning ${COLUMNS}`,
      [input.id ?? randomUUID(), migration.account_id, migration.id, input.sourceKey, input.profileId, json(input.config), json(input.selectedStreams), json(input.streamState)],
    );
    return input.credentials ? this.storeCredentials(sql, row!, input.credentials) : row!;
  }

  /** Writes (or overwrites) the connection's credentials in the vault. */
  async storeCredentials(sql: Sql, connection: ConnectionRow, credentials: Record<string, unknown>): Promise<ConnectionRow> {
    const secretId = await this.vault.put(sql, {
      api: "vern",
      purpose: "source connection credentials",
      value: credentials,
      id: connection.credentials_secret_id,
    });
    const [row] = await sql.query<ConnectionRow>(
      `update vern_source_connections set credentials_secret_id = $2, updated_at = ${TOUCHED} where id = $1 returning ${COLUMNS}`,
      [connection.id, secretId],
    );
    return row!;
  }

  /** The stored credentials, for the simulated connector's check only: never returned, never logged. */
  async credentials(sql: Sql, connection: ConnectionRow): Promise<Record<string, unknown> | undefined> {
    if (!connection.credentials_secret_id) return undefined;
    return this.vault.read<Record<string, unknown>>(sql, connection.credentials_secret_id);
  }

  /** The addressed connection; without a connector, the one of that profile written last. */
  async find(sql: Sql, migrationId: string, address: ConnectionAddress): Promise<ConnectionRow | undefined> {
    const [row] = await sql.query<ConnectionRow>(
      `select ${COLUMNS} from vern_source_connections
       where migration_id = $1 and profile_id is not distinct from $2 and ($3::text is null or source_key = $3)
       order by updated_at desc, seq desc limit 1`,
      [migrationId, address.profileId, address.sourceKey ?? null],
    );
    return row;
  }

  /** The connection a generate extracts from: the migration's connection written last, of any profile. */
  async latest(sql: Sql, migrationId: string): Promise<ConnectionRow | undefined> {
    const [row] = await sql.query<ConnectionRow>(
      `select ${COLUMNS} from vern_source_connections where migration_id = $1 order by updated_at desc, seq desc limit 1`,
      [migrationId],
    );
    return row;
  }

  async byId(sql: Sql, id: string, options: { lock?: boolean } = {}): Promise<ConnectionRow | undefined> {
    const [row] = await sql.query<ConnectionRow>(
      `select ${COLUMNS} from vern_source_connections where id = $1${options.lock ? " for update" : ""}`,
      [id],
    );
    return row;
  }

  /** Deletes the connection and its stored secret. */
  async remove(sql: Sql, connection: ConnectionRow): Promise<void> {
    const [deleted] = await sql.query<{ credentials_secret_id: string | null }>(
      "delete from vern_source_connections where id = $1 returning credentials_secret_id",
      [connection.id],
    );
    if (deleted?.credentials_secret_id) await this.vault.remove(sql, deleted.credentials_secret_id);
  }

  /**
   * What an extraction leaves behind: snapshot, sync time, cursors and the extractor the agent
   * built. It is the agent's write, not the caller's, so updated_at (which picks "the last written") stays.
   */
  async recordExtraction(sql: Sql, id: string, record: { lastSnapshot: unknown; streamState: unknown }, now: Date): Promise<void> {
    await sql.query(
      `update vern_source_connections set last_snapshot = $2, stream_state = $3, last_sync_at = $4,
         bound_source_extractor_id = coalesce(bound_source_extractor_id, $5)
       where id = $1`,
      [id, json(record.lastSnapshot), json(record.streamState), now, randomUUID()],
    );
  }
}
