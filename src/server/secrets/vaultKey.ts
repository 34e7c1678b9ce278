import { createHash } from "node:crypto";
import { isIP } from "node:net";

/** A development vault key, derived from a public phrase: it hides nothing from anyone who reads this file. */
export const DEVELOPMENT_VAULT_KEY = createHash("sha256").update("connector-contracts development vault key").digest();

/** How a user makes a key, named in every refusal. */
export const MAKE_A_KEY = "openssl rand -hex 32";

/**
 * The id a row records of the key that encrypted it: the first 8 bytes of SHA-256 over the key, in
 * hex. It names a key without disclosing it (a hash of 256 random bits cannot be reversed), so a
 * start with the wrong key can say which key the data wants.
 */
export function vaultKeyId(key: Buffer): string {
  return createHash("sha256").update(key).digest().subarray(0, 8).toString("hex");
}

export const DEVELOPMENT_VAULT_KEY_ID = vaultKeyId(DEVELOPMENT_VAULT_KEY);

/** Whether `host` is a loopback address or name: reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

export type VaultKeySituation = { host: string; databaseUrl: string | undefined; pgliteDir: string | undefined };

/**
 * Why the development key may not be used for this start, or undefined when it may. It may only
 * where nobody but this user could read what it "protects": data in memory (gone with the
 * process, on any address), or PGlite data on disk (a directory the server keeps private,
 * 0700) served on a loopback address. A PostgreSQL database, or data on disk served to the
 * network, needs a real key.
 */
export function developmentKeyRefusal(situation: VaultKeySituation): string | undefined {
  if (situation.databaseUrl) return "the data is on PostgreSQL (DATABASE_URL is set)";
  if (situation.pgliteDir === undefined) return undefined;
  if (!isLoopbackHost(situation.host)) return `the server listens on ${situation.host} (not loopback) with data on disk in ${situation.pgliteDir}`;
  return undefined;
}
