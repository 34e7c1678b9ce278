import { userInfo } from "node:os";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { describeUrl } from "../../src/server/db/database.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL the storage tests use besides PGlite ("" when there is none). */
    postgresUrl: string;
  }
}

/**
 * Finds the real PostgreSQL for the storage tests, once per run: DATABASE_URL when set (.ci/run
 * sets it to the machine's server); otherwise a testcontainers PostgreSQL when a Docker engine
 * answers; otherwise a server at libpq's usual address (PGHOST/PGPORT/PGUSER/PGDATABASE, else
 * 127.0.0.1:5432 as the current user, database postgres) when it lets us in; otherwise none, said
 * out loud, and the storage tests run on PGlite alone (the PostgreSQL-only suites are skipped).
 * Each test makes and drops a schema of its own, so a shared server keeps none of their rows.
 */
export default async function findPostgres(project: TestProject) {
  if (process.env.DATABASE_URL) {
    console.info(`[test databases] PostgreSQL from DATABASE_URL (${describeUrl(process.env.DATABASE_URL)}) and PGlite`);
    project.provide("postgresUrl", process.env.DATABASE_URL);
    return;
  }
  try {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const container = await new PostgreSqlContainer("postgres:15-alpine").start();
    console.info(`[test databases] PostgreSQL in a testcontainers container (${container.getHost()}:${container.getPort()}) and PGlite`);
    project.provide("postgresUrl", container.getConnectionUri());
    return async () => void (await container.stop());
  } catch (error) {
    const noDocker = `no DATABASE_URL, and testcontainers found no Docker engine (${(error as Error).message})`;
    const local = await localPostgres();
    if (local.url) {
      console.info(`[test databases] ${noDocker}: PostgreSQL at ${describeUrl(local.url)}, the usual local address, and PGlite`);
      project.provide("postgresUrl", local.url);
      return;
    }
    console.warn(
      `[test databases] ${noDocker}, and no PostgreSQL at ${describeUrl(local.tried)} (${local.problem}): the storage tests run on ` +
        "PGlite only and the suites that need PostgreSQL are skipped. Set DATABASE_URL=postgres://… to add PostgreSQL.",
    );
    project.provide("postgresUrl", "");
  }
}

/** Whether a PostgreSQL answers at libpq's default address, as psql with no arguments would look. */
async function localPostgres(): Promise<{ url?: string; tried: string; problem?: string }> {
  const url = new URL("postgres://localhost");
  url.hostname = process.env.PGHOST && !process.env.PGHOST.startsWith("/") ? process.env.PGHOST : "127.0.0.1";
  url.port = process.env.PGPORT ?? "5432";
  url.username = process.env.PGUSER ?? userInfo().username;
  url.pathname = `/${process.env.PGDATABASE ?? "postgres"}`;
  const tried = url.toString();
  const client = new pg.Client({ connectionString: tried, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return { url: tried, tried };
  } catch (error) {
    return { tried, problem: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}
