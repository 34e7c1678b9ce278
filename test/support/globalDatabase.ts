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
 * answers; otherwise none, said out loud, and the storage tests run on PGlite alone.
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
    console.warn(
      `[test databases] no DATABASE_URL, and testcontainers found no Docker engine (${(error as Error).message}): ` +
        "the storage tests run on PGlite only. Set DATABASE_URL=postgres://… to add PostgreSQL.",
    );
    project.provide("postgresUrl", "");
  }
}
