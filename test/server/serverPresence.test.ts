import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { loadConfig } from "../../src/server/config.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startServer, type RunningServer } from "../../src/server/startServer.js";
import { LOCK_CONNECTION_NAME } from "../../src/server/db/serverPresence.js";
import { TEST_VAULT_KEY, eventually } from "../support/testServer.js";
import { stepWallClock } from "../support/wallClock.js";
import { createTestDatabase, type TestDatabase, describeOnPostgres } from "../support/testDatabases.js";

/**
 * A server alone on its PostgreSQL keeps answers of reads in memory; the moment a second server
 * joins the same schema, the first stops (src/server/db/serverPresence.ts), so a write through the
 * second is never hidden behind the first one's cache.
 */
describeOnPostgres("cached reads on %s when a second server joins", () => {
  let db: TestDatabase;
  const servers: RunningServer[] = [];
  const [key] = readDevKeys("merge");
  const start = async () => {
    const config = loadConfig({ PORT: "0", DATABASE_URL: db.databaseUrl, VAULT_KEY: TEST_VAULT_KEY, LOG_LEVEL: "silent", RESPONSE_VALIDATION: "enforce" });
    const server = await startServer(config);
    servers.push(server);
    return server;
  };
  const merge = (server: RunningServer) => createApiClient("merge", { baseUrl: server.apiUrls.merge!, apiKey: key!.key });
  const count = async (server: RunningServer) => (await merge(server).GET("/tool-packs/", {})).data!.count;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await db.drop();
  });

  it("caches while alone, and a write through a newcomer is seen at once by the first server", async () => {
    const first = await start();
    expect(first.database.presence.alone).toBe(true);
    const before = await count(first);
    expect(await count(first)).toBe(before); // now cached

    const second = await start();
    expect(second.database.presence.alone).toBe(false);
    // The first stepped down before the second could write anything.
    expect(first.database.presence.alone).toBe(false);

    for (let i = 1; i <= 5; i++) {
      const created = await merge(second).POST("/tool-packs/", { body: { name: `joined ${i}`, description: "" } });
      expect(created.response.status).toBe(201);
      expect(await count(first)).toBe(before + i);
    }
    // And the other way round.
    await merge(first).POST("/tool-packs/", { body: { name: "from the first", description: "" } });
    expect(await count(second)).toBe(before + 6);
  });

  it("stays uncached after the other server leaves (it cannot know what happened meanwhile)", async () => {
    const [first, second] = servers;
    await second!.close();
    servers.splice(1, 1);
    expect(first!.database.presence.alone).toBe(false);
  });
});

describeOnPostgres("a server on %s that loses the connection holding the lock", () => {
  it("stops caching at once and rejoins as a sharer, so a newcomer does not take the lock for itself", async () => {
    const db = await createTestDatabase("postgres");
    const servers: RunningServer[] = [];
    const start = async () => {
      const server = await startServer(loadConfig({ PORT: "0", DATABASE_URL: db.databaseUrl, VAULT_KEY: TEST_VAULT_KEY, LOG_LEVEL: "silent" }));
      servers.push(server);
      return server;
    };
    const admin = new pg.Client({ connectionString: db.databaseUrl });
    await admin.connect();
    try {
      const first = await start();
      expect(first.database.presence.alone).toBe(true);
      // The lock's connection of this schema's server (other test files' servers use other schemas).
      const lockHolders = async () =>
        (await admin.query<{ pid: number }>(
          `select l.pid from pg_locks l join pg_stat_activity a using (pid)
           where l.locktype = 'advisory' and a.application_name = $1 and l.objid = (hashtext('connector-contracts ' || current_schema())::bigint & 4294967295)::oid`,
          [LOCK_CONNECTION_NAME],
        )).rows.map((row) => row.pid);
      const [holder] = await lockHolders();
      expect(holder).toBeDefined();
      await admin.query("select pg_terminate_backend($1)", [holder]);
      await eventually(async () => first.database.presence.alone, (alone) => !alone);
      // Rejoined: a new connection holds the lock again (shared), so the newcomer cannot take it alone.
      await eventually(lockHolders, (pids) => pids.length === 1 && pids[0] !== holder);
      const second = await start();
      expect(second.database.presence.alone).toBe(false);
    } finally {
      await admin.end();
      for (const server of servers) await server.close();
      await db.drop();
    }
  });
});

describeOnPostgres("a server starting on %s while a dying one still holds the lock", () => {
  it("waits for it, then finds nobody else there and caches alone", async () => {
    const db = await createTestDatabase("postgres");
    // Holds the lock exclusively and never answers an announcement, as a server killed a moment ago.
    const dying = new pg.Client({ connectionString: db.databaseUrl });
    await dying.connect();
    let server: RunningServer | undefined;
    try {
      await dying.query("select pg_advisory_lock(hashtext('connector-contracts ' || current_schema())::bigint)");
      const starting = startServer(loadConfig({ PORT: "0", DATABASE_URL: db.databaseUrl, VAULT_KEY: TEST_VAULT_KEY, LOG_LEVEL: "silent" }));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await dying.end(); // its backend ends, and the lock with it
      server = await starting;
      expect(server.database.presence.alone).toBe(true);
    } finally {
      await server?.close();
      await db.drop();
    }
  });

  it("refuses to start, naming the schema, when the holder hangs on to it past 15 s (it may still be caching)", async () => {
    const db = await createTestDatabase("postgres");
    // Holds the lock exclusively and never hands it over, as a server whose process is frozen.
    const hung = new pg.Client({ connectionString: db.databaseUrl });
    await hung.connect();
    // The wall clock steps 10 s forward while it waits (as NTP may step a fresh CI machine's clock, which
    // once cut this wait to 10 s): the 15 s are counted on the monotonic clock, so the step changes nothing.
    const clock = stepWallClock(3_000, 10_000);
    try {
      await hung.query("select pg_advisory_lock(hashtext('connector-contracts ' || current_schema())::bigint)");
      const started = performance.now();
      const outcome = await startServer(loadConfig({ PORT: "0", DATABASE_URL: db.databaseUrl, VAULT_KEY: TEST_VAULT_KEY, LOG_LEVEL: "silent" })).then(
        async (server) => {
          await server.close();
          return "started";
        },
        (error: Error) => error.message,
      );
      const waitedMs = Math.round(performance.now() - started);
      console.log(`[presence] a newcomer beside a hung lock holder: "${outcome}" after ${waitedMs} ms`);
      const [schema] = (await hung.query<{ schema: string }>("select current_schema() as schema")).rows;
      expect(outcome).toBe(
        `another server on this database (schema ${schema!.schema}) holds the read-cache lock and did not hand it over within 15 s`,
      );
      expect(waitedMs).toBeGreaterThanOrEqual(15_000);
      expect(waitedMs).toBeLessThan(25_000);
    } finally {
      clock.restore();
      await hung.end();
      await db.drop();
    }
  }, 40_000);
});

describe("cached reads on PGlite", () => {
  const [key] = readDevKeys("merge");
  /** Counts tool packs over HTTP, adds one behind the server's back (straight into the database), and counts again. */
  async function countAroundAHiddenWrite(env: Record<string, string>) {
    const server = await startServer(loadConfig({ PORT: "0", PGLITE_DIR: "memory", LOG_LEVEL: "silent", ...env }));
    try {
      const client = createApiClient("merge", { baseUrl: server.apiUrls.merge!, apiKey: key!.key });
      const count = async () => (await client.GET("/tool-packs/", {})).data!.count;
      const before = await count();
      await server.database.query("insert into merge_tool_packs (id, account_id, name, description) values (gen_random_uuid(), $1, 'hidden', '')", [key!.accountId]);
      return { alone: server.database.presence.alone, before, after: await count() };
    } finally {
      await server.close();
    }
  }

  it("are on: the data directory belongs to this one process, so only the server's own writes change it", async () => {
    const { alone, before, after } = await countAroundAHiddenWrite({});
    expect(alone).toBe(true);
    expect(after).toBe(before); // the answer came from the cache
  });

  it("are off with READ_CACHE=off: every read goes to the database", async () => {
    const { before, after } = await countAroundAHiddenWrite({ READ_CACHE: "off" });
    expect(after).toBe(before + 1);
  });
});
