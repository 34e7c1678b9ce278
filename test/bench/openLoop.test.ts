import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadRouteAtRate } from "../../bench/openLoop.js";
import type { Route } from "../../bench/routes.js";

const ROUTE: Route = { name: "get", kind: "read", method: "GET", path: "/thing", headers: { accept: "application/json" } };
const noCpu = () => undefined;

/** A server on 127.0.0.1 whose every answer takes `serviceMs`; `serial` answers one request at a time (a server with a fixed capacity). */
async function delayedServer(serviceMs: number, serial: boolean) {
  let busyUntil = 0;
  const server = http.createServer((_req, res) => {
    const now = performance.now();
    const startAt = serial ? Math.max(now, busyUntil) : now;
    busyUntil = startAt + serviceMs;
    setTimeout(() => res.end("{}"), startAt + serviceMs - now);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((closed) => server.close(closed)) };
}

describe("the bench's open-loop load (fixed offered rate)", () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("offers the rate it was given and reports the server's own latency when the server keeps up", async () => {
    const server = await delayedServer(20, false);
    close = server.close;
    const figures = await loadRouteAtRate(server.url, ROUTE, { ratePerSec: 200, durationSec: 1, warmupSec: 0, connections: 50 }, noCpu);
    console.info(`[openLoop] 200/s offered to a 20 ms server: ${figures.completed} answered, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
    expect(figures.completed).toBe(200);
    expect(figures.offeredPerSec).toBe(200);
    expect(figures.non2xx + figures.errors).toBe(0);
    expect(figures.p50Ms).toBeGreaterThanOrEqual(19);
    expect(figures.p50Ms).toBeLessThan(30);
  });

  it("charges a server that falls behind for the queue it causes (latency from when each request was due)", async () => {
    // Capacity 100/s (10 ms each, one at a time), offered 200/s for 1 s: the last request is due at
    // ~1 s and answered at ~2 s, so the worst latency is about a second, not the 10 ms of service
    // a closed loop would report for every request.
    const server = await delayedServer(10, true);
    close = server.close;
    const figures = await loadRouteAtRate(server.url, ROUTE, { ratePerSec: 200, durationSec: 1, warmupSec: 0, connections: 50 }, noCpu);
    console.info(`[openLoop] 200/s offered to a 100/s server: p50 ${figures.p50Ms} ms, max ${figures.maxMs} ms`);
    expect(figures.completed).toBe(200);
    expect(figures.maxMs).toBeGreaterThan(700);
    expect(figures.p50Ms).toBeGreaterThan(200);
  });
});
