import type { Database } from "../db/database.js";
import { ConfigError } from "../config.js";
import { openSealed, type SealedSecret } from "./vault.js";
import { DEVELOPMENT_VAULT_KEY, DEVELOPMENT_VAULT_KEY_ID, MAKE_A_KEY, vaultKeyId } from "./vaultKey.js";

/** Recorded for a row written before key ids that decrypts with neither the development key nor the configured one. */
const UNKNOWN_KEY_ID = "unknown";

/** The start-up refusal when the stored secrets were written under another key. */
export class VaultKeyMismatchError extends ConfigError {}

/**
 * Run once at start, before anything reads a secret: gives rows written before key ids their
 * key's id, then refuses to start if any secret was written under another key than VAULT_KEY's.
 * Without it a changed key made every read of a secret fail, one log line per simulation step.
 */
export async function checkStoredKeyIds(database: Database, key: Buffer, usingDevelopmentKey: boolean): Promise<void> {
  const keyId = vaultKeyId(key);
  await backfillKeyIds(database, key, keyId);
  const others = await database.query<{ key_id: string; secrets: number }>(
    "select key_id, count(*)::int as secrets from vault_secrets where key_id <> $1 group by key_id order by key_id",
    [keyId],
  );
  if (others.length === 0) return;
  const stored = others.map((o) => `${o.key_id === DEVELOPMENT_VAULT_KEY_ID ? `${o.key_id} (the built-in development key)` : o.key_id}: ${o.secrets} secret(s)`).join(", ");
  const configured = usingDevelopmentKey ? `the built-in development key (id ${keyId}, VAULT_KEY is not set)` : `VAULT_KEY (id ${keyId})`;
  throw new VaultKeyMismatchError(
    `the stored secrets were written under another vault key than ${configured}: key id ${stored}. ` +
      "Start with the VAULT_KEY those secrets were written with (its id is the first 8 bytes of SHA-256 over the key, in hex). " +
      `If that key is lost, the secrets are too: remove the data (the PGlite data directory, or the database's tables) and start again, with a key from \`${MAKE_A_KEY}\`.`,
  );
}

/** Rows from before migration 050: the development key's id if they decrypt with it, else the configured key's if they do with that. */
async function backfillKeyIds(database: Database, key: Buffer, keyId: string): Promise<void> {
  const rows = await database.query<SealedSecret & { id: string }>(
    "select id, ciphertext, nonce, auth_tag, key_id from vault_secrets where key_id is null",
  );
  for (const row of rows) {
    const id = opens(DEVELOPMENT_VAULT_KEY, row) ? DEVELOPMENT_VAULT_KEY_ID : opens(key, row) ? keyId : UNKNOWN_KEY_ID;
    await database.query("update vault_secrets set key_id = $2 where id = $1 and key_id is null", [row.id, id]);
  }
}

function opens(key: Buffer, row: SealedSecret & { id: string }): boolean {
  try {
    openSealed(key, row.id, row);
    return true;
  } catch {
    return false;
  }
}
