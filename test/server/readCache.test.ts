import { describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { ReadCache } from "../../src/server/http/readCache.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer } from "../support/testServer.js";

const answer = (body: string) => ({ status: 200, headers: {}, body });

describe("ReadCache", () => {
  it("serves a stored answer until the account writes", () => {
    const cache = new ReadCache();
    cache.store("a", "GET /x", cache.version("a"), answer("1"));
    expect(cache.get("a", "GET /x")?.body).toBe("1");
    expect(cache.get("b", "GET /x")).toBeUndefined();
    cache.invalidate("a");
    expect(cache.get("a", "GET /x")).toBeUndefined();
  });

  it("does not store a read that raced a write (the write bumped the version while it ran)", () => {
    const cache = new ReadCache();
    const versionAtStart = cache.version("a");
    cache.invalidate("a"); // a write committed while the read was in flight
    cache.store("a", "GET /x", versionAtStart, answer("stale"));
    expect(cache.get("a", "GET /x")).toBeUndefined();
  });

  it("forgets everything on clear(), and a read begun before it is not stored", () => {
    const cache = new ReadCache();
    cache.store("a", "GET /x", cache.version("a"), answer("1"));
    const versionAtStart = cache.version("b");
    cache.clear();
    cache.store("b", "GET /y", versionAtStart, answer("stale"));
    expect(cache.get("a", "GET /x")).toBeUndefined();
    expect(cache.get("b", "GET /y")).toBeUndefined();
  });

  it("keeps at most maxPerAccount answers, dropping the oldest", () => {
    const cache = new ReadCache(2);
    for (const key of ["1", "2", "3"]) cache.store("a", key, cache.version("a"), answer(key));
    expect([cache.get("a", "1"), cache.get("a", "2")?.body, cache.get("a", "3")?.body]).toEqual([undefined, "2", "3"]);
  });
});

describe("cached reads on the server (PGlite: the process owns its data)", () => {
  it("a read after a write sees the write, for every pair of concurrent reads and writes", async () => {
    const server = await startTestServer();
    try {
      const [key] = readDevKeys("merge");
      const merge = createApiClient("merge", { baseUrl: server.apiUrls.merge!, apiKey: key!.key });
      const count = async () => (await merge.GET("/tool-packs/", {})).data!.count;
      const before = await count();
      await count(); // now cached
      for (let i = 1; i <= 20; i++) {
        // A read racing each create must never leave a stale count behind for the read after it.
        await Promise.all([merge.POST("/tool-packs/", { body: { name: `cache ${i}`, description: "" } }), count()]);
        expect(await count()).toBe(before + i);
      }
    } finally {
      await server.stop();
    }
  });
});
