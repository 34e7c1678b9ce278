import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/process/freePort.js";
import { eventually, startTestServer, type TestServer } from "../support/testServer.js";
import { evalstudioAttacker, type Answer } from "./support/evalstudioAttacker.js";
import { startHostileAgentServer, startNonHttpPort, type HostileAgentServer, type HostileBehaviour } from "./support/hostileAgentServer.js";

const UNREACHABLE = /^Could not reach the agent server: /;
const NOT_ALLOWED = /^Calls to .* are not allowed/;

/** Issue 14: a connector's baseUrl is not a way to make the server fetch what the caller picks. */
describe("EvalStudio agent calls go only where the operator allows, and say nothing about what answered", () => {
  let server: TestServer;
  let attacker: ReturnType<typeof evalstudioAttacker>;
  let behaviour: HostileBehaviour = { kind: "slowBody" };
  let hostile: HostileAgentServer;

  beforeAll(async () => {
    [server, hostile] = await Promise.all([
      startTestServer({ env: { CONNECTOR_TIMEOUT_MS: "5000", AGENT_MAX_RESPONSE_BYTES: "1048576" } }),
      startHostileAgentServer(() => behaviour),
    ]);
    attacker = evalstudioAttacker(server.apiUrls.evalstudio!);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), hostile?.close()]);
  });

  const invokeAt = async (name: string, baseUrl: string): Promise<Answer> => attacker.invoke(await attacker.createConnector(name, baseUrl));

  it.each([
    ["127.0.0.1", (port: number) => `http://127.0.0.1:${port}`],
    ["localhost", (port: number) => `http://localhost:${port}`],
    ["an IPv4-mapped IPv6 address", (port: number) => `http://[::ffff:127.0.0.1]:${port}`],
    ["a decimal IPv4 address", (port: number) => `http://2130706433:${port}`],
    ["the unspecified address", (port: number) => `http://0.0.0.0:${port}`],
  ])("a call back into the server's own port via %s is refused, and its own APIs never see it", async (_via, urlOf) => {
    const answer = await invokeAt(`self via ${_via}`, `${urlOf(server.port)}/vern`);
    expect(answer.json).toMatchObject({ success: false, error: expect.stringMatching(NOT_ALLOWED) });
    expect(answer.json.rawResponse).toBeUndefined();
    expect(server.logs.some((line) => line.includes("/runs/wait"))).toBe(false);
  });

  it("a destination outside loopback and AGENT_ALLOWED_HOSTS is refused before any connection", async () => {
    const before = hostile.received.length;
    // 0.0.0.0 reaches this machine's listeners on Linux: refused, the hostile server never hears of it.
    const unspecified = await invokeAt("unspecified", `http://0.0.0.0:${hostile.port}`);
    expect(unspecified.json).toMatchObject({ success: false, error: expect.stringMatching(NOT_ALLOWED) });
    expect(hostile.received.length).toBe(before);
    // A documentation address (RFC 5737): refused by the rule, so nothing is sent anywhere.
    const remote = await invokeAt("remote", "http://192.0.2.1:8123");
    expect(remote.json).toMatchObject({ success: false, error: expect.stringMatching(/^Calls to 192\.0\.2\.1:8123 are not allowed: .*AGENT_ALLOWED_HOSTS/) });
  });

  it("a closed port, a port that resets, one that speaks another protocol, a silent one and a slow body all give the same error", async () => {
    const [reset, banner, silent] = await Promise.all([startNonHttpPort("reset"), startNonHttpPort("banner"), startNonHttpPort("silent")]);
    try {
      behaviour = { kind: "slowBody" };
      const closed = `http://127.0.0.1:${await freePort()}`;
      const answers = await Promise.all(
        [closed, reset.url, banner.url, silent.url, hostile.url].map((url, i) => invokeAt(`probe ${i}`, url)),
      );
      const errors = answers.map((a) => a.json.error);
      expect(errors[0]).toMatch(UNREACHABLE);
      expect(new Set(errors)).toEqual(new Set([errors[0]]));
      for (const a of answers) expect(a.json).toMatchObject({ success: false });
    } finally {
      await Promise.all([reset.close(), banner.close(), silent.close()]);
    }
  });

  it("an upstream body far past AGENT_MAX_RESPONSE_BYTES (300 MiB) is cut at the cap, and the server stays healthy", async () => {
    behaviour = { kind: "hugeBody", totalBytes: 300 * 1024 * 1024 };
    const answer = await invokeAt("huge body", hostile.url);
    expect(answer.json).toMatchObject({ success: false, error: expect.stringContaining("larger than AGENT_MAX_RESPONSE_BYTES (1048576 bytes)") });
    // The reader went away: the upstream could not push more than the cap and the socket buffers.
    await eventually(async () => hostile.inFlight(), (n) => n === 0);
    expect(hostile.bytesWritten()).toBeLessThan(64 * 1024 * 1024);
    const status = await fetch(`${server.apiUrls.evalstudio}/status`);
    expect(status.status).toBe(200);
  });

  it("a redirect is not followed", async () => {
    behaviour = { kind: "redirect", location: `http://127.0.0.1:${server.port}/__admin` };
    const answer = await invokeAt("redirect", hostile.url);
    expect(answer.json).toMatchObject({ success: false, error: expect.stringContaining("redirect (HTTP 302), which is not followed") });
  });
});

describe("EvalStudio agent calls in flight are bounded by AGENT_MAX_CONCURRENT and AGENT_MAX_QUEUED", () => {
  let server: TestServer;
  let slow: HostileAgentServer;

  beforeAll(async () => {
    [server, slow] = await Promise.all([
      startTestServer({ env: { CONNECTOR_TIMEOUT_MS: "120000", AGENT_MAX_CONCURRENT: "2", AGENT_MAX_QUEUED: "1" } }),
      startHostileAgentServer(() => ({ kind: "holdUntilReleased" })),
    ]);
  }, 180_000);
  afterAll(async () => {
    slow?.release();
    await Promise.all([server?.stop(), slow?.close()]);
  });

  it("two calls run, one waits, the rest are told the server is busy; the waiting one runs once a slot frees", async () => {
    const attacker = evalstudioAttacker(server.apiUrls.evalstudio!);
    const id = await attacker.createConnector("slow agent", slow.url);
    const calls = Array.from({ length: 5 }, () => attacker.invoke(id));
    const settled: Answer[] = [];
    for (const call of calls) void call.then((a) => settled.push(a));
    await eventually(async () => ({ running: slow.inFlight(), answered: settled.length }), (s) => s.running === 2 && s.answered === 2, 30_000);
    for (const busy of settled) expect(busy.json).toMatchObject({ success: false, error: expect.stringMatching(/^The server is busy/) });
    // Release until every call has been answered: the queued one reaches the upstream after a slot frees.
    await eventually(
      async () => {
        slow.release();
        return settled.length;
      },
      (n) => n === 5,
      30_000,
    );
    const succeeded = settled.filter((a) => a.json.success === true);
    expect(succeeded).toHaveLength(3);
    expect(slow.received).toHaveLength(3);
    expect(slow.maxInFlight()).toBe(2);
  });
});
