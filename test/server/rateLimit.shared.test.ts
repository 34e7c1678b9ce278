import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer } from "../support/testServer.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const [vernKey] = readDevKeys("vern");

describe("Vern's rate limit is shared by server processes through Redis", () => {
  it("counts requests to two servers against one budget (5 a minute: the 6th, on either server, is a 429)", async () => {
    const env = { VERN_RATE_LIMIT: "5", REDIS_URL, REDIS_KEY_PREFIX: `cc-test-${randomBytes(4).toString("hex")}` };
    const [a, b] = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
    try {
      const clients = [a, b].map((s) => createApiClient("vern", { baseUrl: s.apiUrls.vern!, apiKey: vernKey!.key }));
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await clients[i % 2]!.GET("/sources")).response.status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await clients[0]!.GET("/sources");
      expect(limited.response.status).toBe(429);
      expect(limited.error).toEqual({ error: "Too many requests" });
      expect(limited.response.headers.get("retry-after")).toBeNull();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("keeps separate budgets without Redis (each process counts its own)", async () => {
    const env = { VERN_RATE_LIMIT: "3" };
    const [a, b] = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
    try {
      const clients = [a, b].map((s) => createApiClient("vern", { baseUrl: s.apiUrls.vern!, apiKey: vernKey!.key }));
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await clients[i % 2]!.GET("/sources")).response.status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      expect((await clients[0]!.GET("/sources")).response.status).toBe(429);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
