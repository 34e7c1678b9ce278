import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import type { ApiName } from "../../src/contracts/apiNames.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { acceptsWrongTypes, echoesTheKey, letsAnotherAccountWrite } from "./faults/deploymentFaults.js";
import { startFaultyServer, type Fault, type FaultyServer } from "./faults/faultyServer.js";

/**
 * The suite pointed at deployments it was not built beside (issue 15): servers that break its own
 * promises, and runs that cannot work at all. Each test reads the server's state after the run:
 * nothing the run made is left (where the API can delete), nothing it did not make has changed.
 */
const [mergePrimary] = readDevKeys("merge");
const [vernPrimary, vernSecondary] = readDevKeys("vern");
const [wexaPrimary] = readDevKeys("wexa");
/** Acme's seeded demo migration (fixtures/vern/migrations.json), with a Salesforce connection. */
const ACME_DEMO_MIGRATION = "0b6f3a52-7c1e-4d8a-9e2f-5a4b3c2d1e0f";
/** fixtures/wexa: the connector the README tells Wexa users to name with --fixture. */
const SALES_MAILBOX = "68063653fc2e1fb8597c775e";

describe("the suite against deployments unlike the reference server", () => {
  let server: TestServer;
  let proxy: FaultyServer;

  beforeAll(async () => {
    server = await startTestServer();
    proxy = await startFaultyServer(server);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  const run = async (api: ApiName, fault: Fault | undefined, options: Partial<Parameters<typeof runConformance>[0]> = {}): Promise<Report> => {
    const [primary, secondary] = readDevKeys(api);
    proxy.use(fault);
    try {
      return await runConformance({ api, baseUrl: proxy.apiUrl(api), primaryKey: primary?.key, secondaryKey: secondary?.key, requestsPerSecond: 10_000, flowTimeoutMs: 10_000, ...options });
    } finally {
      proxy.use(undefined);
    }
  };
  const mergePacks = async () => {
    const answer = await fetch(`${server.apiUrls.merge}/tool-packs/?page_size=100`, { headers: { authorization: `Bearer ${mergePrimary!.key}` } });
    return ((await answer.json()) as { results: Array<{ id: string; name: string }> }).results;
  };
  const vernConnection = async (migrationId: string) =>
    (await fetch(`${server.apiUrls.vern}/migrations/${migrationId}/source-connection`, { headers: { "x-api-key": vernPrimary!.key } })).text();

  it("a server that creates from a wrong-typed create: reported, and what it created is deleted although it is not named for the run", async () => {
    const before = await mergePacks();
    const report = await run("merge", acceptsWrongTypes(), { only: ["negative_data_rejection"] });

    const accepted = report.findings.filter((f) => f.check === "negative_data_rejection" && f.operationId === "createToolPack");
    expect(accepted.length, JSON.stringify(report.findings, null, 2)).toBeGreaterThan(0);
    expect(accepted.every((f) => /accepted/.test(f.received))).toBe(true);
    // The server made packs the run never named; every one of them is gone, and nothing else changed.
    expect(report.sent.filter((r) => r.operationId === "createToolPack" && r.status === 201).length).toBeGreaterThan(accepted.length - 1);
    expect(report.leftBehind).toEqual([]);
    expect(await mergePacks()).toEqual(before);
  });

  it("a server that echoes the caller's key: the key is reported as disclosed, and no report carries it", async () => {
    const report = await run("vern", echoesTheKey(), { only: ["read_operations", "secret_non_disclosure"] });
    const leaks = report.findings.filter((f) => f.check === "secret_non_disclosure");
    expect(leaks.map((f) => f.title)).toContainEqual(expect.stringMatching(/^The primary key the run sends came back in GET .*\/sources \(200\)/));
    const text = JSON.stringify(report);
    for (const key of [vernPrimary!.key, vernSecondary!.key]) expect(text).not.toContain(key.slice(-12));
  });

  it("a server that lets another account write: every write is reported, and the deployment's own data is unchanged", async () => {
    const demoBefore = await vernConnection(ACME_DEMO_MIGRATION);
    const report = await run("vern", letsAnotherAccountWrite(vernPrimary!.key, vernSecondary!.key), { only: ["cross_key_isolation"] });
    const writes = report.findings.filter((f) => f.check === "cross_key_isolation" && f.id.includes("/write-"));
    expect(new Set(writes.map((f) => f.operationId))).toEqual(new Set(["upsertSourceConnection", "createRun", "deleteSourceConnection", "cancelRun", "submitRunCredentials", "answerRun"]));
    expect(writes.every((f) => f.severity === "error" || f.basis === "inferred")).toBe(true);
    expect(await vernConnection(ACME_DEMO_MIGRATION)).toBe(demoBefore);
  });

  it("a correct server: the same checks are silent", async () => {
    const report = await run("vern", undefined, { only: ["read_operations", "cross_key_isolation", "secret_non_disclosure"] });
    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    expect(report.checks.find((c) => c.check === "cross_key_isolation")?.status).toBe("passed");
  });

  it("a Wexa connector named by --fixture is read, never written, without --destructive", async () => {
    const report = await run("wexa", undefined, { fixtures: { "wexa.connectorID": SALES_MAILBOX }, only: ["wexa_connector_status_change", "negative_data_rejection", "auth_required"] });
    expect(report.checks.find((c) => c.check === "wexa_connector_status_change")).toMatchObject({ status: "skipped", reason: expect.stringMatching(/--destructive/) });
    const writes = report.sent.filter((r) => r.method !== "GET" && r.path.includes(SALES_MAILBOX));
    expect(writes).toEqual([]);
    // Only W4s that name no connector (without a key, or with no body) go out, and none succeeds.
    expect(report.sent.filter((r) => r.operationId === "changeConnectorStatus").map((r) => `${r.sentBy} ${r.status}`)).toEqual(expect.not.arrayContaining([expect.stringMatching(/ 2\d\d$/)]));
    expect(report.modified).toEqual([]);
    expect(report.leftBehind.filter((l) => l.includes(SALES_MAILBOX))).toEqual([]);
  });

  describe("a run that cannot work with the deployment ends with a diagnosis, not findings", () => {
    it.each([
      ["a wrong key", () => ({ api: "merge" as const, baseUrl: server.apiUrls.merge!, primaryKey: "wrong-key-0123456789abcdef" }), /the key is not accepted/],
      ["another API's base URL", () => ({ api: "vern" as const, baseUrl: server.apiUrls.merge!, primaryKey: vernPrimary!.key }), /ends with \/merge, the merge API's path/],
      ["a base URL without its path prefix", () => ({ api: "vern" as const, baseUrl: server.url, primaryKey: vernPrimary!.key }), /lacks the vern API's path prefix/],
      ["a Wexa key that is not accepted", () => ({ api: "wexa" as const, baseUrl: server.apiUrls.wexa!, primaryKey: `${wexaPrimary!.key}-revoked` }), /the key is not accepted/],
    ])("%s", async (_name, input, diagnosis) => {
      const report = await runConformance({ ...input(), requestsPerSecond: 10_000 });
      expect(report.diagnosis).toMatch(diagnosis);
      expect(report.findings).toEqual([]);
      expect(report.checks.every((c) => c.status !== "failed")).toBe(true);
    });
  });

  it("the CLI exits 2 with the diagnosis (a rotated key is not a vendor regression)", async () => {
    let stderr = "";
    let stdout = "";
    const code = await runCli(["check", "--api", "merge", "--base-url", server.apiUrls.merge!, "--quiet"], {
      env: { CC_MERGE_KEY: "rotated-key-0123456789abcdef" }, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false, onInterrupt: () => () => undefined,
    });
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/could not work with the deployment: every request of the run answered 401.*CC_MERGE_KEY/);
    expect(stdout).not.toContain("breaks the documented contract");
  });

  it("`cleanup` removes an earlier run's leftovers by run id or name, never anything else, and says what it cannot remove", async () => {
    const make = async (name: string) =>
      fetch(`${server.apiUrls.merge}/tool-packs/`, { method: "POST", headers: { authorization: `Bearer ${mergePrimary!.key}`, "content-type": "application/json" }, body: JSON.stringify({ name, description: "x", connectors: [] }) });
    for (const name of ["cc-conformance-deadbeef-left-1", "cc-conformance-cafebabe-left-2", "keep-me cc-conformance-deadbeef"]) expect((await make(name)).status).toBe(201);
    const cli = async (args: string[], env: Record<string, string>) => {
      let stdout = "";
      const code = await runCli(["cleanup", ...args], { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), color: false, onInterrupt: () => () => undefined });
      return { code, stdout };
    };
    const names = async () => (await mergePacks()).map((p) => p.name);

    const one = await cli(["--api", "merge", "--base-url", server.apiUrls.merge!, "--run-id", "deadbeef"], { CC_MERGE_KEY: mergePrimary!.key });
    expect(one.code, one.stdout).toBe(0);
    expect(await names()).not.toContain("cc-conformance-deadbeef-left-1");
    expect(await names()).toEqual(expect.arrayContaining(["cc-conformance-cafebabe-left-2", "keep-me cc-conformance-deadbeef"]));
    const all = await cli(["--api", "merge", "--base-url", server.apiUrls.merge!], { CC_MERGE_KEY: mergePrimary!.key });
    expect(all.stdout).toMatch(/1 removed/);
    expect((await names()).filter((n) => n.startsWith("cc-conformance-"))).toEqual([]);
    expect(await names()).toContain("keep-me cc-conformance-deadbeef");

    const vern = await cli(["--api", "vern", "--base-url", server.apiUrls.vern!], { CC_VERN_KEY: vernPrimary!.key });
    expect(vern.stdout).toMatch(/cannot +vern has no delete for what createMigration makes/);
  });

  it("dates the report by the wall clock", async () => {
    const report = await run("merge", undefined, { only: ["read_operations"] });
    expect(Math.abs(Date.parse(report.startedAt) - Date.now())).toBeLessThan(24 * 3_600_000);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });
});
