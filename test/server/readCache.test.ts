import { describe, expect, it } from "vitest";
import { createApiClient } from "../../src/clients/index.js";
import { ReadCache, requestKey } from "../../src/server/http/readCache.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer } from "../support/testServer.js";

const answer = (body: string) => ({ status: 200, headers: {}, body: Buffer.from(body) });
const bodyOf = (hit: { body: Buffer } | undefined) => hit?.body.toString();

describe("ReadCache", () => {
  it("serves a stored answer until the account writes; another account's write changes nothing", () => {
    const cache = new ReadCache();
    cache.store("GET /x as a", "a", cache.version("a"), answer("1"));
    expect(bodyOf(cache.get("GET /x as a"))).toBe("1");
    expect(cache.get("GET /x as b")).toBeUndefined();
    cache.invalidate("b");
    expect(bodyOf(cache.get("GET /x as a"))).toBe("1");
    cache.invalidate("a");
    expect(cache.get("GET /x as a")).toBeUndefined();
  });

  it("does not store a read that raced a write (the write bumped the version while it ran)", () => {
    const cache = new ReadCache();
    const versionAtStart = cache.version("a");
    cache.invalidate("a"); // a write committed while the read was in flight
    cache.store("GET /x", "a", versionAtStart, answer("stale"));
    expect(cache.get("GET /x")).toBeUndefined();
  });

  it("forgets everything on clear(), and a read begun before it is not stored", () => {
    const cache = new ReadCache();
    cache.store("GET /x", "a", cache.version("a"), answer("1"));
    const versionAtStart = cache.version("b");
    cache.clear();
    cache.store("GET /y", "b", versionAtStart, answer("stale"));
    expect(cache.get("GET /x")).toBeUndefined();
    expect(cache.get("GET /y")).toBeUndefined();
  });

  it("stores nothing once disabled (another process writes to the database)", () => {
    const cache = new ReadCache();
    cache.store("GET /x", "a", cache.version("a"), answer("1"));
    cache.disable();
    expect(cache.get("GET /x")).toBeUndefined();
    cache.store("GET /x", "a", cache.version("a"), answer("1"));
    expect(cache.get("GET /x")).toBeUndefined();
  });

  it("keeps at most maxEntries answers, dropping the oldest", () => {
    const cache = new ReadCache(2);
    for (const key of ["1", "2", "3"]) cache.store(key, "a", cache.version("a"), answer(key));
    expect([cache.get("1"), bodyOf(cache.get("2")), bodyOf(cache.get("3"))]).toEqual([undefined, "2", "3"]);
  });

  it("keeps at most maxBytes of bodies, dropping the oldest, and never stores a body larger than that", () => {
    const cache = new ReadCache(100, 10);
    for (const key of ["a", "b", "c"]) cache.store(key, "x", cache.version("x"), answer("1234"));
    expect([cache.get("a"), bodyOf(cache.get("b")), bodyOf(cache.get("c"))]).toEqual([undefined, "1234", "1234"]);
    cache.store("big", "x", cache.version("x"), answer("12345678901"));
    expect(cache.get("big")).toBeUndefined();
    cache.store("b", "x", cache.version("x"), answer("123456")); // replacing an answer frees its old bytes first
    expect([bodyOf(cache.get("b")), bodyOf(cache.get("c"))]).toEqual(["123456", "1234"]);
  });

  it("keys a read by its credential headers, Host and URL", () => {
    const key = (headers: Record<string, string>, url = "/merge/tool-packs/") => requestKey(headers, ["authorization"], url);
    const base = { host: "127.0.0.1:4000", authorization: "Bearer a" };
    expect(key(base)).toBe(key({ ...base, accept: "application/json" }));
    expect(key(base)).not.toBe(key({ ...base, authorization: "Bearer b" }));
    expect(key(base)).not.toBe(key({ ...base, host: "localhost:4000" }));
    expect(key(base)).not.toBe(key(base, "/merge/tool-packs/?limit=1"));
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

  it("answers a cached read only to the same credential: another key, no key or a bad key go the whole way", async () => {
    const server = await startTestServer();
    try {
      const [first, second] = readDevKeys("merge");
      const url = `${server.apiUrls.merge}/tool-packs/`;
      const get = (headers: Record<string, string>) => fetch(url, { headers }).then(async (r) => ({ status: r.status, body: await r.text() }));
      const asFirst = await get({ authorization: `Bearer ${first!.key}` });
      expect((await get({ authorization: `Bearer ${first!.key}` })).body).toBe(asFirst.body); // cached now
      const asSecond = await get({ authorization: `Bearer ${second!.key}` });
      expect(asSecond.status).toBe(200);
      expect(asSecond.body).not.toBe(asFirst.body); // another account's packs
      expect((await get({})).status).toBe(401);
      expect((await get({ authorization: "Bearer nope" })).status).toBe(401);
      expect((await get({ authorization: `Basic ${first!.key}` })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
