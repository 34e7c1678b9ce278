import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

/** One GET from a chosen loopback source address (Linux routes all of 127.0.0.0/8 to lo), so the server sees two clients. */
function get(url: string, headers: Record<string, string>, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, localAddress, agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode!));
    });
    req.once("error", reject);
    req.end();
  });
}

/** The APIs with a rate limit, how each takes a key, and a read any key may make. */
const LIMITED_APIS = [
  { api: "vern" as const, env: { VERN_RATE_LIMIT: "5" }, path: "/sources", auth: (key: string) => ({ "x-api-key": key }) },
  { api: "merge" as const, env: { MERGE_RATE_LIMIT: "5" }, path: "/tool-packs/", auth: (key: string) => ({ authorization: `Bearer ${key}` }) },
];

describe.each(LIMITED_APIS)("requests that fail authentication on $api are rate-limited per client address", ({ api, env, path, auth }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("401 for the first 5 wrong keys, then 429 for that address, even with the right key; another address is not affected", async () => {
    server = await startTestServer({ env });
    const url = `${server.apiUrls[api]}${path}`;
    const [valid] = readDevKeys(api);
    const guesses: number[] = [];
    for (let i = 0; i < 8; i++) guesses.push(await get(url, auth(`guess-${i}-${"x".repeat(20)}`), "127.0.0.1"));
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The right guess must not get through either, or the 429s would slow nobody down.
    expect(await get(url, auth(valid!.key), "127.0.0.1")).toBe(429);
    expect(await get(url, {}, "127.0.0.1")).toBe(429);
    // Counted per address: another client with the right key goes on.
    expect(await get(url, auth(valid!.key), "127.0.0.2")).toBe(200);
  }, 60_000);
});

describe("an API without a rate limit", () => {
  it("keeps answering 401 to wrong keys (nothing to count against)", async () => {
    const server = await startTestServer({ env: { VERN_RATE_LIMIT: "0" } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push(await get(`${server.apiUrls.vern}/sources`, { "x-api-key": `guess-${i}` }, "127.0.0.1"));
      expect(new Set(statuses)).toEqual(new Set([401]));
    } finally {
      await server.stop();
    }
  }, 60_000);
});
