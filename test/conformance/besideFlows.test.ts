import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNamesFor, runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

/**
 * negative_data_rejection runs while the flows wait on the deployment's clock, except where a
 * documented request limit makes it count what the run sent before it (Vern). Either way the report
 * lists checks and findings in run order, whichever finished first.
 */
describe("the generated invalid inputs beside the flows", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const run = (api: "wexa" | "vern", flow: string): Promise<Report> => {
    const [primary] = readDevKeys(api);
    return runConformance({ api, baseUrl: server.apiUrls[api]!, primaryKey: primary!.key, requestsPerSecond: 100_000, flowTimeoutMs: 10_000, seed: 1, only: [flow, "negative_data_rejection"] });
  };
  const seqs = (report: Report, sentBy: string) => report.sent.filter((s) => s.sentBy === sentBy).map((s) => s.seq);

  it("Wexa: the invalid inputs go out while the lifecycle flow runs, and the report keeps run order", async () => {
    const report = await run("wexa", "wexa_execution_lifecycle");
    expect(report.findings).toEqual([]);
    const [flow, negative] = [seqs(report, "wexa_execution_lifecycle"), seqs(report, "negative_data_rejection")];
    expect(flow.length).toBeGreaterThan(5);
    expect(negative.length).toBeGreaterThan(100);
    // Interleaved: each started before the other ended.
    expect(Math.min(...negative)).toBeLessThan(Math.max(...flow));
    expect(Math.min(...flow)).toBeLessThan(Math.max(...negative));
    const order = checkNamesFor("wexa");
    const ran = report.checks.filter((c) => c.status !== "skipped").map((c) => c.check);
    expect(ran).toEqual([...ran].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(ran.slice(0, 2)).toEqual(["wexa_execution_lifecycle", "negative_data_rejection"]);
  });

  it("Vern: under its documented request limit the invalid inputs wait until the flows are done", async () => {
    const report = await run("vern", "vern_source_connection");
    expect(report.findings).toEqual([]);
    const [flow, negative] = [seqs(report, "vern_source_connection"), seqs(report, "negative_data_rejection")];
    expect(flow.length).toBeGreaterThan(3);
    expect(negative.length).toBeGreaterThan(100);
    expect(Math.min(...negative)).toBeGreaterThan(Math.max(...flow));
  });

  it("Vern: a second run within the minute leaves out the cases of operations whose window the first spent, instead of waiting it out", async () => {
    const limited = await startTestServer({ env: { VERN_RATE_LIMIT: "100" } });
    try {
      const [primary] = readDevKeys("vern");
      const negative = () => runConformance({ api: "vern", baseUrl: limited.apiUrls.vern!, primaryKey: primary!.key, requestsPerSecond: 100_000, seed: 1, only: ["negative_data_rejection"] });
      const first = await negative();
      expect(first.findings).toEqual([]);
      expect(first.invalidInputs).toMatchObject({ rateLimited: 0 });
      expect(first.notes).toEqual([]);
      const second = await negative();
      expect(second.findings).toEqual([]);
      const tally = second.invalidInputs!;
      // Each spent operation is found out by the cases in flight when its first 429 came back, not one case each.
      expect(tally.rateLimited).toBeGreaterThan(0);
      expect(tally.rateLimited).toBeLessThan(first.invalidInputs!.sent / 4);
      expect(tally.leftOut).toBeGreaterThan(first.invalidInputs!.leftOut);
      expect(tally.judged + tally.rateLimited + tally.refused + tally.leftOut).toBe(tally.generated);
      expect(second.notes.join("\n")).toMatch(/answered 429 although the run stayed within the documented limit .* Run again after 60 s to judge them\./);
      // No case waited out the window: each 429 came once, none was retried.
      expect(second.sent.filter((s) => s.sentBy === "negative_data_rejection" && s.status === 429)).toHaveLength(tally.rateLimited);
    } finally {
      await limited.stop();
    }
  }, 120_000);
});
