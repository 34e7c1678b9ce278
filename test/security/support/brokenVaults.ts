import { createCipheriv, createDecipheriv, randomUUID } from "node:crypto";
import type { Sql } from "../../../src/server/db/database.js";
import { Vault } from "../../../src/server/secrets/vault.js";
import { vaultKeyId } from "../../../src/server/secrets/vaultKey.js";

/** What the vault tests drive: the real Vault, or one of the broken ones below. */
export type VaultUnderTest = {
  put(sql: Sql, input: { api: "wexa"; purpose: string; value: unknown; id?: string }): Promise<string>;
  read(sql: Sql, id: string): Promise<unknown>;
};

type Seal = (key: Buffer, id: string, plain: Buffer) => { ciphertext: Buffer; nonce: Buffer; tag: Buffer };
type Unseal = (key: Buffer, id: string, row: { ciphertext: Buffer; nonce: Buffer; tag: Buffer }) => Buffer;

/** A vault with the real table layout but its own (broken) sealing: the tests must fail it. */
function rowVault(key: Buffer, seal: Seal, unseal: Unseal): VaultUnderTest {
  return {
    async put(sql, input) {
      const id = input.id ?? randomUUID();
      const { ciphertext, nonce, tag } = seal(key, id, Buffer.from(JSON.stringify(input.value)));
      await sql.query(
        "insert into vault_secrets (id, api, purpose, ciphertext, nonce, auth_tag, key_id) values ($1, $2, $3, $4, $5, $6, $7) " +
          "on conflict (id) do update set ciphertext = excluded.ciphertext, nonce = excluded.nonce, auth_tag = excluded.auth_tag",
        [id, input.api, input.purpose, ciphertext, nonce, tag, vaultKeyId(key)],
      );
      return id;
    },
    async read(sql, id) {
      const [row] = await sql.query<{ ciphertext: Uint8Array; nonce: Uint8Array; auth_tag: Uint8Array }>(
        "select ciphertext, nonce, auth_tag from vault_secrets where id = $1",
        [id],
      );
      if (!row) return undefined;
      const plain = unseal(key, id, { ciphertext: Buffer.from(row.ciphertext), nonce: Buffer.from(row.nonce), tag: Buffer.from(row.auth_tag) });
      return JSON.parse(plain.toString("utf8"));
    },
  };
}

const ZERO_NONCE = Buffer.alloc(12);

/** The four vaults every property is checked on: only the real one may pass them all. */
export const VAULTS: Record<string, (key: Buffer) => VaultUnderTest> = {
  /** The server's own. */
  real: (key) => new Vault(key),
  /** "Encryption" that is only base64: no key, no nonce, no tag. */
  base64Only: (key) =>
    rowVault(
      key,
      (_k, _id, plain) => ({ ciphertext: Buffer.from(plain.toString("base64")), nonce: Buffer.alloc(0), tag: Buffer.alloc(0) }),
      (_k, _id, row) => Buffer.from(row.ciphertext.toString(), "base64"),
    ),
  /** AES-GCM with the id as AAD, but one fixed nonce for every write (the same value gives the same ciphertext). */
  fixedNonce: (key) =>
    rowVault(
      key,
      (k, id, plain) => {
        const cipher = createCipheriv("aes-256-gcm", k, ZERO_NONCE).setAAD(Buffer.from(id));
        return { ciphertext: Buffer.concat([cipher.update(plain), cipher.final()]), nonce: ZERO_NONCE, tag: cipher.getAuthTag() };
      },
      (k, id, row) => {
        const decipher = createDecipheriv("aes-256-gcm", k, row.nonce).setAAD(Buffer.from(id));
        decipher.setAuthTag(row.tag);
        return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]);
      },
    ),
  /** AES-CTR with a random nonce but no tag and no AAD: confidential, yet neither tamper- nor move-proof. */
  noTag: (key) =>
    rowVault(
      key,
      (k, _id, plain) => {
        const nonce = Buffer.from(randomUUID().replace(/-/g, ""), "hex");
        const cipher = createCipheriv("aes-256-ctr", k, nonce);
        return { ciphertext: Buffer.concat([cipher.update(plain), cipher.final()]), nonce, tag: Buffer.alloc(0) };
      },
      (k, _id, row) => {
        const decipher = createDecipheriv("aes-256-ctr", k, row.nonce);
        return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]);
      },
    ),
};
