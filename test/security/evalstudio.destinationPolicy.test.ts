import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, type AllowedAgentHosts } from "../../src/server/config.js";
import { resolveDestination, unreachable, type DestinationPolicy } from "../../src/server/apis/evalstudio/agentDestination.js";
import { postJson } from "../../src/server/apis/evalstudio/agentTransport.js";
import { startHostileAgentServer, type HostileAgentServer } from "./support/hostileAgentServer.js";

/** A resolver under the test's control: no DNS traffic leaves the machine, and it can lie. */
const resolverOf =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<Array<{ address: string; family: number }>> => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const DNS = resolverOf({
  localhost: ["127.0.0.1", "::1"],
  "agents.internal": ["10.1.2.3"],
  "rebound.example": ["127.0.0.1", "10.1.2.3"],
  "metadata.example": ["169.254.169.254"],
  "loopback.example": ["127.0.0.7"],
  "zero.example": ["0.0.0.0"],
});

const policy = (allowedHosts: AllowedAgentHosts, ownPort?: number): DestinationPolicy => ({ allowedHosts, ownPort, timeoutMs: 1000, resolveHost: DNS });
const named = (hosts: string) => loadConfig({ AGENT_ALLOWED_HOSTS: hosts }).agentAllowedHosts;

describe("the agent destination rule: loopback and AGENT_ALLOWED_HOSTS, checked on the resolved address", () => {
  it.each<[string, string, AllowedAgentHosts, string | undefined]>([
    ["loopback by default", "http://127.0.0.1:8123", [], "127.0.0.1"],
    ["a name resolving to loopback", "http://loopback.example:8123", [], "127.0.0.7"],
    ["IPv6 loopback", "http://[::1]:8123", [], "::1"],
    ["a host the operator names, pinned to its address", "https://agents.internal", named("agents.internal"), "10.1.2.3"],
    ["a named host on its named port", "http://agents.internal:8123", named("agents.internal:8123"), "10.1.2.3"],
    ["a named IP address", "http://192.0.2.1:8123", named("192.0.2.1"), "192.0.2.1"],
    ["a named IPv6 address and port", "https://[2001:db8::1]:8443", named("[2001:db8::1]:8443"), "2001:db8::1"],
    ["anything with *", "http://192.0.2.1:8123", named("*"), "192.0.2.1"],
    ["a remote address by default", "http://192.0.2.1:8123", [], undefined],
    ["a named host on another port", "http://agents.internal:9000", named("agents.internal:8123"), undefined],
    ["a name not on the list that resolves to a private address", "http://agents.internal", [], undefined],
    ["a name resolving to the cloud metadata address", "http://metadata.example", [], undefined],
    ["a name with one loopback and one private address", "http://rebound.example:8123", [], undefined],
    ["the unspecified address, even with *", "http://0.0.0.0:8123", named("*"), undefined],
    ["a name resolving to the unspecified address", "http://zero.example:8123", named("zero.example"), undefined],
    ["a scheme other than http(s) (a row stored before the check)", "ftp://127.0.0.1:8123", named("*"), undefined],
    ["a query in a row stored before the check", "http://127.0.0.1:8123/x?", named("*"), undefined],
  ])("%s", async (_name, baseUrl, allowed, address) => {
    const verdict = await resolveDestination(baseUrl, policy(allowed));
    if (address === undefined) {
      expect(verdict).toEqual({ ok: false, error: expect.stringMatching(/not allowed/) });
    } else {
      expect(verdict).toMatchObject({ ok: true, destination: { addresses: [{ address }] } });
    }
  });

  it.each(["http://127.0.0.1:4000", "http://localhost:4000", "http://[::ffff:7f00:1]:4000", "http://loopback.example:4000"])(
    "refuses this server's own port at %s, even with AGENT_ALLOWED_HOSTS=*",
    async (baseUrl) => {
      expect(await resolveDestination(baseUrl, policy(named("*"), 4000))).toEqual({ ok: false, error: expect.stringMatching(/not allowed/) });
    },
  );

  it("answers a name that does not resolve with the same text as any unreachable server", async () => {
    expect(await resolveDestination("http://nowhere.example:8123", policy([]))).toEqual({ ok: false, error: unreachable(1000) });
  });

  it.each(["http://agents.internal", "agents/internal", "user@agents.internal", "agents.internal?x", "::1"])("AGENT_ALLOWED_HOSTS refuses the entry %s at start", (entry) => {
    expect(() => loadConfig({ AGENT_ALLOWED_HOSTS: entry })).toThrow(ConfigError);
  });

  it("AGENT_ALLOWED_HOSTS reads host, host:port, [v6]:port and *, and keeps a default port spelled out", () => {
    expect(named(" Agents.Internal , 192.0.2.1:80,[2001:db8::1]:8443 ")).toEqual([
      { host: "agents.internal", port: undefined },
      { host: "192.0.2.1", port: 80 },
      { host: "2001:db8::1", port: 8443 },
    ]);
    expect(named("a.example,*")).toBe("any");
    expect(loadConfig({}).agentAllowedHosts).toEqual([]);
  });
});

describe("the agent transport connects only to the address that was checked", () => {
  let upstream: HostileAgentServer;
  beforeAll(async () => {
    upstream = await startHostileAgentServer(() => ({ kind: "holdUntilReleased" }));
  });
  afterAll(async () => {
    upstream?.release();
    await upstream?.close();
  });

  it("sends to the pinned address whatever the name would resolve to now, with the name as Host", async () => {
    // `pinned.invalid` resolves nowhere: reaching the upstream proves no second lookup happened.
    const url = new URL(`http://pinned.invalid:${upstream.port}/base`);
    const answer = postJson({ url, addresses: [{ address: "127.0.0.1", family: 4 }] }, "/base/threads/t/runs/wait", { "X-Key": "k", Host: "evil.example", "Content-Length": "1" }, "{}", {
      timeoutMs: 10_000,
      maxResponseBytes: 1024,
    });
    const deadline = performance.now() + 10_000;
    while (upstream.received.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    upstream.release();
    expect(await answer).toMatchObject({ kind: "answered", status: 200 });
    expect(upstream.received.at(-1)).toMatchObject({ host: `pinned.invalid:${upstream.port}`, "x-key": "k", "content-length": "2" });
  });

  it("tries each checked address in turn, so localhost reaches a server bound to 127.0.0.1 when ::1 comes first", async () => {
    const url = new URL(`http://localhost:${upstream.port}`);
    const before = upstream.received.length;
    const answer = postJson({ url, addresses: [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }] }, "/threads/t/runs/wait", {}, "{}", { timeoutMs: 10_000, maxResponseBytes: 1024 });
    const deadline = performance.now() + 10_000;
    while (upstream.received.length === before && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    upstream.release();
    expect(await answer).toMatchObject({ kind: "answered", status: 200 });
  });
});
