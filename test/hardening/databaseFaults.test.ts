import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/process/freePort.js";
import { POSTGRES_URL, createTestDatabase, type TestDatabase, describeOnPostgres } from "../support/testDatabases.js";
import { errorShapeProblem, jsonOrUndefined, primaryCredential } from "./support/apiFacts.js";
import { startChildServer, type ChildServer } from "./support/childServer.js";

/**
 * PostgreSQL drops the server's connections (pg_terminate_backend, as a restart or a failover
 * does) while requests and simulated work are under way, three times. The process stays up, every
 * request gets an answer (a failure in the API's error body, never a dropped connection), and
 * once the database is back every request succeeds again. The server's connections are told apart
 * from every other test's by an application_name of its own.
 */
const TERMINATIONS = 3;
const WRITERS = 4;
const [mergeKeyHeader, mergeKey] = primaryCredential("merge")!;

type Outcome = { status: number; problem?: string } | { failed: string };

describeOnPostgres("connections lost to PostgreSQL under load (%s)", () => {
  let db: TestDatabase;
  let server: ChildServer;
  const applicationName = `cc-fault-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    const url = new URL(db.databaseUrl!);
    url.searchParams.set("application_name", applicationName);
    // READ_CACHE=off: every read goes to PostgreSQL. SIM_STEP_MS=50: the simulation's transactions run all the time.
    server = await startChildServer({ DATABASE_URL: url.toString(), READ_CACHE: "off", SIM_STEP_MS: "50" });
  });
  afterAll(async () => {
    await server?.kill("SIGTERM");
    await db?.drop();
  });

  const merge = (path: string, init: RequestInit = {}) =>
    fetch(`${server.apiUrl("merge")}${path}`, {
      ...init,
      headers: { [mergeKeyHeader]: mergeKey, "content-type": "application/json", ...init.headers },
      signal: AbortSignal.timeout(10_000),
    });

  /** A create, a list and a PATCH (a transaction with a row lock) of the writer's own pack. */
  async function oneRound(packId: string, round: number): Promise<Outcome[]> {
    const requests = [
      () => merge("/tool-packs/", { method: "POST", body: JSON.stringify({ name: `fault ${round}`, description: "d" }) }),
      () => merge("/tool-packs/"),
      () => merge(`/tool-packs/${packId}/`, { method: "PATCH", body: JSON.stringify({ description: `round ${round}` }) }),
    ];
    const outcomes: Outcome[] = [];
    for (const request of requests) {
      try {
        const response = await request();
        const text = await response.text();
        outcomes.push({ status: response.status, problem: response.ok ? undefined : errorShapeProblem("merge", jsonOrUndefined(text)) });
      } catch (error) {
        outcomes.push({ failed: String(error) });
      }
    }
    return outcomes;
  }

  it("stays up, answers every request in the API's shape, and recovers once the database is back", async () => {
    const packIds = await Promise.all(
      Array.from({ length: WRITERS }, async (_, i) => {
        const response = await merge("/tool-packs/", { method: "POST", body: JSON.stringify({ name: `writer ${i}`, description: "d" }) });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      }),
    );

    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const outcomes: Outcome[] = [];
    let streaming = true;
    const writers = packIds.map(async (packId) => {
      for (let round = 0; streaming; round++) outcomes.push(...(await oneRound(packId, round)));
    });
    let terminated = 0;
    try {
      for (let i = 0; i < TERMINATIONS; i++) {
        await new Promise((resolve) => setTimeout(resolve, 700));
        const { rows } = await admin.query<{ n: number }>(
          "select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1",
          [applicationName],
        );
        terminated += rows[0]!.n;
      }
      await new Promise((resolve) => setTimeout(resolve, 700));
    } finally {
      streaming = false;
      await Promise.all(writers);
      await admin.end();
    }

    expect(server.ended(), server.output().slice(-2_000)).toBeUndefined();
    const dropped = outcomes.filter((o): o is { failed: string } => "failed" in o);
    const answered = outcomes.filter((o): o is { status: number; problem?: string } => "status" in o);
    const failures = answered.filter((o) => o.status >= 400);
    console.log(
      `[db faults] ${TERMINATIONS} rounds of pg_terminate_backend ended ${terminated} connections of the server; ` +
        `${outcomes.length} requests meanwhile: ${answered.length - failures.length} 2xx, ${failures.length} refused ` +
        `(${[...new Set(failures.map((o) => o.status))].join(", ") || "none"}), ${dropped.length} dropped`,
    );
    expect(terminated, "the test ended some of the server's connections").toBeGreaterThan(0);
    expect(dropped).toEqual([]);
    expect(failures.filter((o) => o.problem !== undefined)).toEqual([]);

    // The database is back: every request of a full round succeeds, through fresh connections.
    const started = performance.now();
    const after = (await Promise.all(packIds.map((packId, i) => oneRound(packId, 1_000 + i)))).flat();
    expect(after.map((o) => ("status" in o ? o.status : o.failed))).toEqual(packIds.flatMap(() => [201, 200, 200]));
    console.log(`[db faults] afterwards ${after.length} requests all succeeded in ${(performance.now() - started).toFixed(0)} ms; the process is still running`);
  }, 60_000);
});

describe("a database or Redis that does not answer at start", () => {
  it.each([
    {
      what: "PostgreSQL",
      env: (port: number) => ({ DATABASE_URL: `postgres://root:hunter2@127.0.0.1:${port}/test` }),
      line: /^Could not start the server: PostgreSQL at postgres:\/\/root:\*\*\*\*@127\.0\.0\.1:\d+\/test did not answer \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/m,
    },
    {
      what: "Redis",
      env: (port: number) => ({ PGLITE_DIR: "memory", REDIS_URL: `redis://user:hunter2@127.0.0.1:${port}` }),
      line: /^Could not start the server: Redis at redis:\/\/user:\*\*\*\*@127\.0\.0\.1:\d+ did not answer \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/m,
    },
  ])("$what: the server exits 1 with one line that names it (password masked), not a stack trace", async ({ env, line }) => {
    const outcome = await startChildServer(env(await freePort())).then(
      async (server) => {
        await server.kill("SIGTERM");
        return "the server started";
      },
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/exited \(1\) before listening/);
    expect(outcome).toMatch(line);
    expect(outcome).not.toContain("hunter2");
    expect(outcome, "no stack trace").not.toMatch(/^\s+at /m);
  });
});
