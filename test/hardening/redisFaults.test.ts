import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { freePort } from "../../src/process/freePort.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { eventually, startTestServer, type TestServer } from "../support/testServer.js";
import { statusTally } from "./support/statusTally.js";

/**
 * Redis going away under two server processes that share Vern's rate limit through it, and coming
 * back. A Redis of the test's own (the machine's redis-server binary on a free port) is killed with
 * SIGKILL and started again on the same port; the machine's shared Redis is never touched.
 */
const LIMIT = 8;
const [vernKey] = readDevKeys("vern");

let redisPort: number;
let redis: ChildProcess | undefined;
let servers: TestServer[] = [];
let probe: Redis;

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const failed = new Promise<never>((_, reject) => child.once("error", (error) => reject(new Error(`redis-server could not start: ${error.message}`))));
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on("error", () => undefined);
  try {
    await Promise.race([failed, eventually(() => client.ping().catch(() => "no"), (answer) => answer === "PONG", 10_000)]);
  } finally {
    client.disconnect();
  }
  return child;
}

function killRedis(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** One GET /sources to each server in turn, `count` in all: statuses, and the slowest answer in ms. */
async function alternate(count: number): Promise<{ statuses: number[]; slowestMs: number }> {
  const clients = servers.map((s) => createApiClient("vern", { baseUrl: s.apiUrls.vern!, apiKey: vernKey!.key }));
  const statuses: number[] = [];
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    statuses.push((await clients[i % clients.length]!.GET("/sources")).response.status);
    slowestMs = Math.max(slowestMs, performance.now() - started);
  }
  return { statuses, slowestMs: Math.round(slowestMs) };
}

describe("Redis lost and back under two servers sharing Vern's rate limit", () => {
  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    probe = new Redis({ port: redisPort, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    probe.on("error", () => undefined);
    const env = { VERN_RATE_LIMIT: String(LIMIT), REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_KEY_PREFIX: "cc-redis-fault" };
    servers = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    probe?.disconnect();
    if (redis && redis.exitCode === null && redis.signalCode === null) await killRedis(redis);
  });

  it("shares one budget, answers every request at once while Redis is gone (each process counting alone), and shares again once it is back", async () => {
    // 1. Redis up: the two processes count against one budget of LIMIT.
    const shared = await alternate(LIMIT + 2);
    expect(shared.statuses).toEqual([...Array(LIMIT).fill(200), 429, 429]);
    expect(await probe.keys("cc-redis-fault*")).toHaveLength(1);

    // 2. Redis killed: no 5xx and no wait; each process falls back to a budget of its own.
    await killRedis(redis!);
    const away = await alternate(4 * LIMIT);
    console.log(`[redis faults] Redis killed: ${4 * LIMIT} requests → ${statusTally(away.statuses)}, slowest ${away.slowestMs} ms`);
    expect(away.statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Each process allows LIMIT in its own count, so 2 × LIMIT in all, whatever the budget used before.
    expect(away.statuses.filter((s) => s === 200)).toHaveLength(2 * LIMIT);
    expect(away.slowestMs).toBeLessThan(1_000);
    // Each process says once that Redis is gone (ioredis notices a closed socket on its own event
    // loop turn, which may come after the last of these requests), not once per reconnect attempt.
    const lines = (text: string) => servers.map((s) => s.logs.filter((line) => line.includes(text)).length);
    await eventually(async () => lines("Redis unreachable"), (counts) => counts.every((n) => n > 0), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // several reconnect attempts (ioredis retries after 50, 100, 150 ms…)
    expect(lines("Redis unreachable")).toEqual([1, 1]);

    // 3. Redis back on the same port (empty): once both processes have reconnected, they share one budget again.
    redis = await startRedis(redisPort);
    const reconnectStarted = performance.now();
    for (const server of servers) {
      const client = createApiClient("vern", { baseUrl: server.apiUrls.vern!, apiKey: vernKey!.key });
      // A request counted in Redis leaves a key there; until this process reconnects, it counts in memory.
      await eventually(
        async () => {
          await probe.flushall().catch(() => undefined);
          await client.GET("/sources");
          return probe.keys("cc-redis-fault*").catch(() => [] as string[]);
        },
        (keys) => keys.length === 1,
        15_000,
      );
    }
    console.log(`[redis faults] both processes counted in the restarted Redis after ${Math.round(performance.now() - reconnectStarted)} ms`);
    expect(lines("Redis reachable again")).toEqual([1, 1]);
    await probe.flushall();
    const again = await alternate(LIMIT + 2);
    expect(again.statuses).toEqual([...Array(LIMIT).fill(200), 429, 429]);
  }, 60_000);
});
