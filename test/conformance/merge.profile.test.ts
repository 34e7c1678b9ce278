import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "../../src/conformance/runner.js";
import type { Report } from "../../src/conformance/types.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { expectCleanReadOnlyRun } from "./support/readOnlyRun.js";

/** fixtures/merge/keys.json: Northwind's production key, and the test key of another account. */
const [primary, secondary] = readDevKeys("merge");

const FLOWS = ["merge_tool_pack_crud", "merge_partial_update_table", "merge_replace_connectors", "merge_bad_connector_inputs"];
const PROBES = ["read_operations", "auth_required", "not_found", "negative_data_rejection", "cross_key_isolation", "use_after_free"];
const PASSIVE = ["status_code_conformance", "response_schema_conformance", "content_type_conformance", "required_response_headers"];

/** A server fault, put between the suite and the reference server: it may change the request, the answer, or both. */
type Fault = (request: Request, pass: (request: Request) => Promise<Response>) => Promise<Response>;

const TOOL_PACK = /\/tool-packs\/[^/]+\/$/;
const PACK_CONNECTORS = /\/tool-packs\/[^/]+\/connectors\/$/;

function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}

/** The same request with another method or body. */
async function resend(request: Request, change: { method?: string; body?: string }): Promise<Request> {
  const body = change.body ?? (request.method === "GET" || request.method === "DELETE" ? undefined : await request.text());
  return new Request(request.url, { method: change.method ?? request.method, headers: request.headers, body });
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

describe("the Merge conformance profile against the reference server", () => {
  let server: TestServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startTestServer();
    baseUrl = server.apiUrls.merge!;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const run = (options: { readOnly?: boolean; only?: string[]; fetch?: typeof fetch } = {}): Promise<Report> =>
    runConformance({ api: "merge", baseUrl, primaryKey: primary!.key, secondaryKey: secondary!.key, requestsPerSecond: 1000, ...options });

  const withFault = (fault: Fault): typeof fetch => (input, init) => fault(new Request(input, init), (request) => fetch(request));

  const packsOfPrimary = async () => {
    const answer = await fetch(`${baseUrl}/tool-packs/?page_size=100`, { headers: { authorization: `Bearer ${primary!.key}` } });
    return ((await answer.json()) as { results: Array<{ name: string }> }).results.map((p) => p.name);
  };

  it("reports nothing, runs every applicable check, covers every operation, and leaves no tool pack behind", async () => {
    const before = await packsOfPrimary();
    const started = performance.now();
    const report = await run();
    console.log(`merge full run: ${Math.round(performance.now() - started)} ms, ${report.requests} requests`);

    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
    for (const check of [...FLOWS, ...PROBES, ...PASSIVE]) expect(status[check], check).toBe("passed");
    // Merge has no secret-marked field: nothing to plant, so nothing to search for.
    // No secret field, but the keys the run sends are looked for in every answer.
    expect(report.checks.find((c) => c.check === "secret_non_disclosure")).toMatchObject({ status: "passed" });
    expect(report.checks.find((c) => c.check === "rate_limit")?.status).toBe("skipped");

    expect(report.coverage).toHaveLength(11);
    for (const row of report.coverage) {
      expect(row.observed.length, row.operationId).toBeGreaterThan(0);
      expect(row.observed.some((s) => s.startsWith("2")), `${row.operationId} answered a success`).toBe(true);
      expect(row.undocumented, row.operationId).toEqual([]);
    }
    // The generated invalid inputs grow with the contract (report.invalidInputs); everything else the run sends stays small.
    expect(report.requests - report.invalidInputs!.sent).toBeLessThan(600);
    expect(report.notes).toEqual([]);
    expect(report.leftBehind).toEqual([]);
    expect(await packsOfPrimary()).toEqual(before);
  });

  it("sends only GETs in a read-only run, and still passes (cross-key on a listed pack included)", async () => {
    const methods: string[] = [];
    const report = await run({ readOnly: true, fetch: withFault((request, pass) => (methods.push(request.method), pass(request))) });
    console.log(`merge read-only run: ${report.requests} requests`);

    expectCleanReadOnlyRun(report, methods, FLOWS, PASSIVE);
  });

  describe("catches a server that breaks the contract", () => {
    const findingsOf = async (check: string, fault: Fault) => {
      const report = await run({ only: [check], fetch: withFault(fault) });
      return report.findings.filter((f) => f.check === check);
    };

    it("merge_partial_update_table: a PATCH of connectors that replaces the list", async () => {
      const findings = await findingsOf("merge_partial_update_table", async (request, pass) =>
        pass(request.method === "PATCH" && PACK_CONNECTORS.test(pathOf(request)) ? await resend(request, { method: "PUT" }) : request));
      expect(findings.map((f) => f.id)).toContain("merge_partial_update_table/updateToolPackConnectors/a-list-on-a-new-connector-exactly-those-others-untouched-answer-");
      expect(findings.every((f) => f.basis === "documented")).toBe(true);
    });

    it("merge_replace_connectors: a PUT of connectors that merges", async () => {
      const findings = await findingsOf("merge_replace_connectors", async (request, pass) =>
        pass(request.method === "PUT" && PACK_CONNECTORS.test(pathOf(request)) ? await resend(request, { method: "PATCH" }) : request));
      expect(findings.map((f) => f.id)).toContain("merge_replace_connectors/replaceToolPackConnectors/m7-unlisted-connectors-go-listed-ones-are-exactly-as-given-answer-");
    });

    it("merge_tool_pack_crud and use_after_free: a delete that answers 204 and deletes nothing", async () => {
      const fault: Fault = async (request, pass) => (request.method === "DELETE" && TOOL_PACK.test(pathOf(request)) ? new Response(null, { status: 204 }) : pass(request));
      const report = await run({ only: ["merge_tool_pack_crud", "use_after_free"], fetch: withFault(fault) });
      const ids = report.findings.map((f) => f.id);
      expect(ids).toContain("merge_tool_pack_crud/getToolPack/m3-after-m5");
      expect(ids).toContain("use_after_free/getToolPack/read-a Merge tool pack");
      expect(ids).toContain("use_after_free/listToolPackConnectors/read-the connectors of a deleted Merge tool pack");
    });

    it("merge_tool_pack_crud: a list whose first page never links the next one", async () => {
      const findings = await findingsOf("merge_tool_pack_crud", async (request, pass) => {
        const answer = await pass(request);
        if (request.method !== "GET" || !pathOf(request).endsWith("/tool-packs/") || answer.status !== 200) return answer;
        return json(200, { ...((await answer.json()) as object), next: null });
      });
      expect(findings.map((f) => f.id)).toContain("merge_tool_pack_crud/listToolPacks/m1-page-1-links-the-next-page");
    });

    it("merge_bad_connector_inputs: a server that accepts bad items, reported as inferred behaviour", async () => {
      const findings = await findingsOf("merge_bad_connector_inputs", async (request, pass) => {
        const answer = await pass(request);
        if (answer.status !== 400) return answer;
        return PACK_CONNECTORS.test(pathOf(request)) ? json(200, []) : json(request.method === "POST" ? 201 : 200, {});
      });
      const statusFindings = findings.filter((f) => f.expected === "status 400");
      expect(statusFindings.map((f) => f.operationId).sort()).toEqual([
        "createToolPack", "replaceToolPackConnectors", "replaceToolPackConnectors", "updateToolPack",
        ...Array(6).fill("updateToolPackConnectors"),
      ]);
      // BadRequest is `x-contract-source: inferred` in the contract: the finding says so.
      expect(findings.every((f) => f.basis === "inferred")).toBe(true);
    });

    it("merge_bad_connector_inputs: a server that applies the valid items before refusing the request", async () => {
      const findings = await findingsOf("merge_bad_connector_inputs", async (request, pass) => {
        if (request.method !== "PATCH" || !PACK_CONNECTORS.test(pathOf(request))) return pass(request);
        const body = await request.text();
        const answer = await pass(await resend(request, { body }));
        const [firstItem] = JSON.parse(body) as unknown[];
        if (answer.status === 400 && firstItem) await pass(await resend(request, { body: JSON.stringify([firstItem]) }));
        return answer;
      });
      expect(findings.map((f) => f.id)).toContain("merge_bad_connector_inputs/listToolPackConnectors/m8-an-unknown-slug-changes-nothing");
      expect(findings.every((f) => f.basis === "inferred")).toBe(true);
    });
  });
});
