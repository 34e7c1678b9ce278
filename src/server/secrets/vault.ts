import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { Sql } from "../db/database.js";
import type { ApiName } from "../../contracts/apiNames.js";
import { vaultKeyId } from "./vaultKey.js";

const ALGORITHM = "aes-256-gcm";
const NONCE_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs for GCM
/** The whole 128-bit tag, always: Node would otherwise accept a tag cut to 4 bytes, which a forger can guess. */
const TAG_BYTES = 16;

/** A stored secret as the table holds it. */
export type SealedSecret = { ciphertext: Uint8Array; nonce: Uint8Array; auth_tag: Uint8Array; key_id: string | null };

/** A secret that was written under another key than this vault's: it cannot be read. */
export class VaultKeyMismatch extends Error {
  constructor(
    readonly storedKeyId: string | null,
    readonly keyId: string,
  ) {
    super(`this secret was written under vault key id ${storedKeyId ?? "(unknown)"}, not the configured key (id ${keyId})`);
  }
}

/**
 * Secrets at rest: AES-256-GCM with a key from the configuration, one random nonce per write, the
 * secret's id as additional authenticated data (so a ciphertext cannot be moved to another id),
 * and the key's id on each row (so the wrong key is named, not just failed with).
 * Values go in as JSON and come out as JSON; nothing here logs or returns them anywhere else.
 */
export class Vault {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The vault key must be 32 bytes (AES-256).");
    this.keyId = vaultKeyId(key);
  }

  /** Stores `value` under `id` (a new id when none is given) and returns the id. */
  async put(sql: Sql, input: { api: ApiName; purpose: string; value: unknown; id?: string | null }): Promise<string> {
    const id = input.id ?? randomUUID();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce);
    cipher.setAAD(Buffer.from(id));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(input.value), "utf8"), cipher.final()]);
    await sql.query(
      `insert into vault_secrets (id, api, purpose, ciphertext, nonce, auth_tag, key_id) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (id) do update set ciphertext = excluded.ciphertext, nonce = excluded.nonce,
         auth_tag = excluded.auth_tag, key_id = excluded.key_id, updated_at = now()`,
      [id, input.api, input.purpose, ciphertext, nonce, cipher.getAuthTag(), this.keyId],
    );
    return id;
  }

  /** The decrypted value, or undefined when there is no such secret. Throws when it was written under another key or altered. */
  async read<T = unknown>(sql: Sql, id: string): Promise<T | undefined> {
    const [row] = await sql.query<SealedSecret>("select ciphertext, nonce, auth_tag, key_id from vault_secrets where id = $1", [id]);
    if (!row) return undefined;
    if (row.key_id !== this.keyId) throw new VaultKeyMismatch(row.key_id, this.keyId);
    return JSON.parse(openSealed(this.key, id, row).toString("utf8")) as T;
  }

  async remove(sql: Sql, id: string): Promise<void> {
    await sql.query("delete from vault_secrets where id = $1", [id]);
  }
}

/** The plaintext of a sealed secret under `key`; throws when the key is wrong or any byte (or the id) was changed. */
export function openSealed(key: Buffer, id: string, sealed: Omit<SealedSecret, "key_id">): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.nonce), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(id));
  decipher.setAuthTag(Buffer.from(sealed.auth_tag));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]);
}
