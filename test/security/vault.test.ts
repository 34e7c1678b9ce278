import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import type { Database } from "../../src/server/db/database.js";
import { openDatabase } from "../../src/server/db/openDatabase.js";
import { Vault } from "../../src/server/secrets/vault.js";
import { DEVELOPMENT_VAULT_KEY, DEVELOPMENT_VAULT_KEY_ID, vaultKeyId } from "../../src/server/secrets/vaultKey.js";
import { checkStoredKeyIds, VaultKeyMismatchError } from "../../src/server/secrets/vaultKeyCheck.js";
import { startServer } from "../../src/server/startServer.js";
import { VAULTS, type VaultUnderTest } from "./support/brokenVaults.js";
import { runServerExpectingExit } from "./support/serverProcess.js";

type Row = { ciphertext: Uint8Array; nonce: Uint8Array; auth_tag: Uint8Array; key_id: string | null };

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
}, 180_000);
afterAll(async () => {
  await database?.close();
});

const row = async (id: string): Promise<Row> =>
  (await database.query<Row>("select ciphertext, nonce, auth_tag, key_id from vault_secrets where id = $1", [id]))[0]!;
const fails = (read: Promise<unknown>) => read.then(() => false, () => true);
const secretValue = () => ({ username: "admin", password: `hunter2-${randomBytes(12).toString("hex")}` });
const put = (vault: VaultUnderTest, value: unknown, id?: string) => vault.put(database, { api: "wexa", purpose: "test", value, ...(id ? { id } : {}) });
/** One byte changed (lowest bit flipped) in the middle: a stream cipher without a tag turns it into another valid character. */
const flipped = (bytes: Uint8Array) => {
  const copy = Buffer.from(bytes);
  if (copy.length > 0) copy[copy.length >> 1]! ^= 0x01;
  return copy;
};

/**
 * The vault's properties, each a small check that returns what is wrong (empty: holds). Each is
 * run on the real vault (must hold) and on broken vaults that encode, reuse a nonce or skip the
 * tag (each must be caught by the properties it breaks): a vault that only base64-encodes passed
 * every secret test before these.
 */
const PROPERTIES: Record<string, (make: (key: Buffer) => VaultUnderTest) => Promise<string[]>> = {
  async randomNonces(make) {
    const vault = make(randomBytes(32));
    const value = secretValue();
    const a = await row(await put(vault, value));
    const b = await row(await put(vault, value));
    const sameIdAgain = await put(vault, value);
    const c1 = await row(sameIdAgain);
    await put(vault, value, sameIdAgain);
    const c2 = await row(sameIdAgain);
    const problems: string[] = [];
    for (const r of [a, b, c1, c2]) if (r.nonce.length < 12) problems.push(`nonce of ${r.nonce.length} bytes`);
    const hex = (x: Uint8Array) => Buffer.from(x).toString("hex");
    if (new Set([a, b, c1, c2].map((r) => hex(r.nonce))).size !== 4) problems.push("a nonce was used twice");
    if (new Set([a, b, c1, c2].map((r) => hex(r.ciphertext))).size !== 4) problems.push("the same value gave the same ciphertext");
    return problems;
  },
  async plaintextNotInTheRow(make) {
    const vault = make(randomBytes(32));
    const value = secretValue();
    const stored = await row(await put(vault, value));
    const bytes = Buffer.concat([stored.ciphertext, stored.nonce, stored.auth_tag]);
    const forms = [value.password, Buffer.from(value.password).toString("base64"), Buffer.from(JSON.stringify(value)).toString("base64"), Buffer.from(value.password).toString("hex")];
    return forms.filter((form) => bytes.includes(Buffer.from(form)) || bytes.toString("latin1").includes(form)).map((f) => `the row holds ${f}`);
  },
  async ciphertextTamperFailsTheRead(make) {
    const vault = make(randomBytes(32));
    const id = await put(vault, secretValue());
    await database.query("update vault_secrets set ciphertext = $2 where id = $1", [id, flipped((await row(id)).ciphertext)]);
    return (await fails(vault.read(database, id))) ? [] : ["a changed ciphertext was read without complaint"];
  },
  async tagTamperFailsTheRead(make) {
    const vault = make(randomBytes(32));
    const id = await put(vault, secretValue());
    const tag = (await row(id)).auth_tag;
    if (tag.length !== 16) return [`the tag has ${tag.length} bytes, not 16`];
    await database.query("update vault_secrets set auth_tag = $2 where id = $1", [id, flipped(tag)]);
    const problems = (await fails(vault.read(database, id))) ? [] : ["a changed tag was accepted"];
    // A tag cut short (GCM allows 4-byte tags unless the length is fixed) must not be accepted either.
    const id2 = await put(vault, secretValue());
    await database.query("update vault_secrets set auth_tag = $2 where id = $1", [id2, Buffer.from((await row(id2)).auth_tag).subarray(0, 4)]);
    if (!(await fails(vault.read(database, id2)))) problems.push("a tag cut to 4 bytes was accepted");
    return problems;
  },
  async rowMovedToAnotherIdFailsTheRead(make) {
    const vault = make(randomBytes(32));
    const from = await row(await put(vault, secretValue()));
    const to = await put(vault, secretValue());
    await database.query("update vault_secrets set ciphertext = $2, nonce = $3, auth_tag = $4 where id = $1", [to, from.ciphertext, from.nonce, from.auth_tag]);
    return (await fails(vault.read(database, to))) ? [] : ["another row's ciphertext decrypted under this id"];
  },
  async anotherKeyFailsTheRead(make) {
    const key = randomBytes(32);
    const other = randomBytes(32);
    const id = await put(make(key), secretValue());
    const problems = (await fails(make(other).read(database, id))) ? [] : ["read with another key"];
    // The cipher itself refuses, not only the key-id check: with the key id forged to the other key's.
    await database.query("update vault_secrets set key_id = $2 where id = $1", [id, vaultKeyId(other)]);
    if (!(await fails(make(other).read(database, id)))) problems.push("read with another key once the key id was changed");
    return problems;
  },
};

/** Which properties each broken vault must be caught breaking. */
const MUST_BREAK: Record<string, string[]> = {
  base64Only: ["randomNonces", "plaintextNotInTheRow", "tagTamperFailsTheRead", "rowMovedToAnotherIdFailsTheRead", "anotherKeyFailsTheRead"],
  fixedNonce: ["randomNonces"],
  noTag: ["ciphertextTamperFailsTheRead", "tagTamperFailsTheRead", "rowMovedToAnotherIdFailsTheRead"],
};

describe("the vault's encryption (AES-256-GCM), proven on the real vault and caught on broken ones", () => {
  it.each(Object.keys(PROPERTIES))("the real vault holds %s", async (name) => {
    expect(await PROPERTIES[name]!(VAULTS.real!)).toEqual([]);
  });

  it.each(Object.entries(MUST_BREAK).flatMap(([vault, names]) => names.map((name) => [vault, name] as const)))(
    "a %s vault is caught by %s",
    async (vault, name) => {
      expect((await PROPERTIES[name]!(VAULTS[vault]!)).length).toBeGreaterThan(0);
    },
  );
});

describe("key ids", () => {
  it("each row records the first 8 bytes (hex) of SHA-256 over the key that wrote it, never the key", async () => {
    const key = randomBytes(32);
    const stored = await row(await put(new Vault(key), secretValue()));
    expect(stored.key_id).toBe(createHash("sha256").update(key).digest("hex").slice(0, 16));
    expect(stored.key_id).not.toContain(key.toString("hex").slice(0, 16));
  });

  it("gives rows written before key ids the development key's id when they decrypt with it, and starts", async () => {
    const id = await put(new Vault(DEVELOPMENT_VAULT_KEY), secretValue());
    await database.query("update vault_secrets set key_id = null where id = $1", [id]);
    await database.query("delete from vault_secrets where id <> $1", [id]);
    await checkStoredKeyIds(database, DEVELOPMENT_VAULT_KEY, true);
    expect((await row(id)).key_id).toBe(DEVELOPMENT_VAULT_KEY_ID);
    // And then a start with a real key names both ids, instead of failing each read.
    const key = randomBytes(32);
    const refusal = await checkStoredKeyIds(database, key, false).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(VaultKeyMismatchError);
    expect((refusal as Error).message).toContain(DEVELOPMENT_VAULT_KEY_ID);
    expect((refusal as Error).message).toContain(vaultKeyId(key));
    expect((refusal as Error).message).toContain("VAULT_KEY");
    await database.query("delete from vault_secrets");
  });

  it("a restart with another VAULT_KEY is refused at start with one message naming VAULT_KEY and both key ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-vault-key-"));
    try {
      const first = randomBytes(32).toString("hex");
      const env = { PORT: "0", PGLITE_DIR: join(dir, "pglite"), LOG_LEVEL: "silent" };
      const server = await startServer(loadConfig({ ...env, VAULT_KEY: first }));
      const secrets = await server.database.query<{ n: number }>("select count(*)::int as n from vault_secrets");
      expect(secrets[0]!.n).toBeGreaterThan(0); // the seed data stored some under the first key
      await server.close();

      const second = randomBytes(32).toString("hex");
      const refused = await runServerExpectingExit({ ...env, LOG_LEVEL: "info", VAULT_KEY: second });
      expect(refused.code).toBe(2);
      expect(refused.stdout).not.toMatch(/listening on/);
      const message = refused.stderr.trim();
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toContain("VAULT_KEY");
      expect(message).toContain(vaultKeyId(Buffer.from(first, "hex")));
      expect(message).toContain(vaultKeyId(Buffer.from(second, "hex")));
      // Nothing else was logged: no stream of failing reads.
      expect(refused.stdout.trim()).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
