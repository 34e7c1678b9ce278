import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, inject } from "vitest";

/** A database a test server can run on, with its own empty state. */
export type TestDatabase = { name: "pglite" | "postgres"; databaseUrl?: string; drop: () => Promise<void> };

/**
 * The real PostgreSQL found by test/support/globalDatabase.ts (DATABASE_URL, or a testcontainers
 * one), if any; outside vitest (bench scripts), DATABASE_URL itself.
 */
export const POSTGRES_URL = providedPostgresUrl() || process.env.DATABASE_URL || undefined;

function providedPostgresUrl(): string | undefined {
  try {
    return inject("postgresUrl");
  } catch {
    return undefined;
  }
}

/** The databases every storage test runs against: PGlite always, PostgreSQL when there is one. */
export const DATABASE_TARGETS: Array<"pglite" | "postgres"> = POSTGRES_URL ? ["pglite", "postgres"] : ["pglite"];

/**
 * A suite that needs the real PostgreSQL (two processes on one database, a SIGKILL, connections
 * cut): run on it when the run has one, and reported as skipped when it has none, for the reason
 * test/support/globalDatabase.ts printed at the start. A `describe.each` over no targets left a
 * file with nothing in it, which Vitest fails ("No test suite found").
 */
export function describeOnPostgres(title: string, body: (database: "postgres") => void): void {
  describe.skipIf(!POSTGRES_URL)(title.replace("%s", "postgres"), () => body("postgres"));
}

/**
 * An empty database for one test server. On PostgreSQL each gets its own schema (through the
 * connection's search_path), so test files running side by side never see each other's rows.
 */
export async function createTestDatabase(kind: "pglite" | "postgres"): Promise<TestDatabase> {
  if (kind === "pglite") return { name: "pglite", drop: async () => undefined };
  if (!POSTGRES_URL) throw new Error("No PostgreSQL: set DATABASE_URL");
  const schema = `cc_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    name: "postgres",
    databaseUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
