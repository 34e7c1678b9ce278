import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { Sql } from "../db/database.js";
import type { ApiName } from "../../contracts/apiNames.js";

const ALGORITHM = "aes-256-gcm";
const NONCE_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs for GCM

/**
 * Secrets at rest: AES-256-GCM with a key from the configuration, one random nonce per write, the
 * secret's id as additional authenticated data (so a ciphertext cannot be moved to another id).
 * Values go in as JSON and come out as JSON; nothing here logs or returns them anywhere else.
 */
export class Vault {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The vault key must be 32 bytes (AES-256).");
  }

  /** Stores `value` under `id` (a new id when none is given) and returns the id. */
  async put(sql: Sql, input: { api: ApiName; purpose: string; value: unknown; id?: string | null }): Promise<string> {
    const id = input.id ?? randomUUID();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce);
    cipher.setAAD(Buffer.from(id));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(input.value), "utf8"), cipher.final()]);
    await sql.query(
      `insert into vault_secrets (id, api, purpose, ciphertext, nonce, auth_tag) values ($1, $2, $3, $4, $5, $6)
       on conflict (id) do update set ciphertext = excluded.ciphertext, nonce = excluded.nonce,
         auth_tag = excluded.auth_tag, updated_at = now()`,
      [id, input.api, input.purpose, ciphertext, nonce, cipher.getAuthTag()],
    );
    return id;
  }

  /** The decrypted value, or undefined when there is no such secret. */
  async read<T = unknown>(sql: Sql, id: string): Promise<T | undefined> {
    const [row] = await sql.query<{ ciphertext: Uint8Array; nonce: Uint8Array; auth_tag: Uint8Array }>(
      "select ciphertext, nonce, auth_tag from vault_secrets where id = $1",
      [id],
    );
    if (!row) return undefined;
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(row.nonce));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(row.auth_tag));
    const plain = Buffer.concat([decipher.update(Buffer.from(row.ciphertext)), decipher.final()]);
    return JSON.parse(plain.toString("utf8")) as T;
  }

  async remove(sql: Sql, id: string): Promise<void> {
    await sql.query("delete from vault_secrets where id = $1", [id]);
  }
}
