import { loadConfig, type ServerConfig } from "../../src/server/config.js";
import { startServer, type RunningServer } from "../../src/server/startServer.js";
import { createTestDatabase, type TestDatabase } from "./testDatabases.js";

/**
 * The tests' VAULT_KEY for servers on PostgreSQL, where the public development key is refused
 * (src/server/secrets/vaultKey.ts). Fixed, so a second server on the same database reads the
 * first one's secrets.
 */
export const TEST_VAULT_KEY = "7e57".repeat(16);

export type TestServer = RunningServer & {
  /** Every log line the server wrote, as JSON text (for the secret tests). */
  logs: string[];
  db: TestDatabase;
  /** The configuration it started with (e.g. its vault key, to read a secret back in a test). */
  config: ServerConfig;
  stop: () => Promise<void>;
};

export type TestServerOptions = {
  database?: "pglite" | "postgres";
  /** Environment-style settings on top of the test defaults (e.g. { VERN_RATE_LIMIT: "5" }). */
  env?: Record<string, string | undefined>;
  overrides?: Partial<ServerConfig>;
};

/**
 * The reference server in-process on port 0, on an empty database, answering only what the
 * contract allows (RESPONSE_VALIDATION=enforce turns any contract violation into a failing 500),
 * with a fast simulation clock and every log line captured.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase(options.database ?? "pglite");
  const logs: string[] = [];
  const config = loadConfig(
    {
      PORT: "0",
      PGLITE_DIR: "memory",
      RESPONSE_VALIDATION: "enforce",
      LOG_LEVEL: "debug",
      SIM_STEP_MS: "20",
      VERN_RATE_LIMIT: "1000000",
      CONNECTOR_TIMEOUT_MS: "5000",
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      ...options.env,
      ...(db.databaseUrl || options.env?.DATABASE_URL ? { VAULT_KEY: options.env?.VAULT_KEY ?? TEST_VAULT_KEY } : {}),
    },
    options.overrides,
  );
  const server = await startServer(config, { logDestination: { write: (line: string) => void logs.push(line) } });
  return {
    ...server,
    logs,
    db,
    config,
    stop: async () => {
      await server.close();
      await db.drop();
    },
  };
}

/** Polls `read` until `done` holds (the simulation moves on its own clock), or fails after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (performance.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
    last = await read();
  }
  return last;
}
