import { CheckContext } from "../../src/conformance/context.js";
import { DEFAULT_OPTIONS } from "../../src/conformance/options.js";
import type { CheckResult, CoverageRow, Exchange, Report } from "../../src/conformance/types.js";

/** Keys in the shape of Merge's, made up for these tests: no output may contain them. */
export const FAKE_PRIMARY_KEY = "ah_prod_FAKEFAKEfake0123456789abcdef0001";
export const FAKE_SECONDARY_KEY = "ah_prod_FAKEFAKEfake0123456789abcdef0002";

/** Text a careless reporter would let through unescaped. */
export const HOSTILE = `<script>alert("x & 'y'")</script>`;

export type SampleReport = { report: Report; secrets: string[] };

/**
 * A Merge report with findings of every kind, built the way a run builds them (CheckContext.finding
 * redacts and writes the curl line), with hostile text and the fake keys in what the server "sent".
 */
export function sampleReport(): SampleReport {
  const ctx = new CheckContext({
    ...DEFAULT_OPTIONS,
    api: "merge",
    seed: 1,
    baseUrl: "https://merge.example.test/api/v1",
    primaryKey: FAKE_PRIMARY_KEY,
    secondaryKey: FAKE_SECONDARY_KEY,
    fetch: () => Promise.reject(new Error("the sample report sends nothing")),
    onProgress: () => undefined,
  });
  const canary = ctx.plantSecret("M2 connectors[0].auth.api_key");
  const exchange = (seq: number, method: string, path: string, status: number, responseBody: string, requestBody?: string): Exchange => ({
    seq,
    sentBy: "sample",
    request: {
      method,
      url: `https://merge.example.test/api/v1${path}`,
      headers: { accept: "application/json", authorization: `Bearer ${FAKE_PRIMARY_KEY}`, ...(requestBody ? { "content-type": "application/json" } : {}) },
      ...(requestBody ? { body: requestBody } : {}),
    },
    response: { status, headers: { "content-type": "application/json", "x-echo": FAKE_SECONDARY_KEY }, body: responseBody, durationMs: 12 },
  });

  const findings = [
    ctx.finding({
      check: "secret_non_disclosure",
      operationId: "getToolPack",
      what: "M2 connectors[0].auth.api_key/verbatim",
      title: "A secret planted in M2 connectors[0].auth.api_key came back in GET /tool-packs/tp_1/ (200): the secret itself",
      expected: "the secret never appears in any response (write-only, kept in a vault)",
      received: `{"id":"tp_1","connectors":[{"slug":"slack","auth":{"api_key":"${canary}"}}],"note":"${HOSTILE}"}`,
      source: "x-secret / writeOnly in the contract",
      exchange: exchange(7, "GET", "/tool-packs/tp_1/", 200, `{"id":"tp_1","auth":{"api_key":"${canary}"},"by":"${FAKE_PRIMARY_KEY}"}`),
    }),
    ctx.finding({
      check: "status_code_conformance",
      operationId: "createToolPack",
      what: "500",
      title: "createToolPack answered 500, which its contract does not document",
      expected: "one of 201, 400, 401, 429",
      received: `500 <html><body>Internal Server Error & "oops" for key ${FAKE_PRIMARY_KEY}</body></html>`,
      source: "OpenAPI 3.1 §4.8.16 (Responses Object)",
      exchange: exchange(12, "POST", "/tool-packs/", 500, "<html>Internal Server Error</html>", `{"name":"cc-conformance-x","description":"it's \\"quoted\\" & <odd>"}`),
    }),
    ctx.finding({
      check: "negative_data_rejection",
      operationId: "updateToolPack",
      what: "wrong-type/name",
      title: "updateToolPack accepted a body with name as a number",
      expected: '400 with {"errors": [...]}',
      received: "200 & the tool pack renamed to 42",
      source: "apis.md M4",
      severity: "warning",
      basis: "inferred",
      exchange: exchange(20, "PATCH", "/tool-packs/tp_1/", 200, `{"id":"tp_1","name":42}`, `{"name":42}`),
    }),
    ctx.finding({
      check: "merge_partial_update_table",
      operationId: "updateToolPackConnectors",
      what: "case-3",
      title: "Seed 002 case 3: PATCH replaced the connector list instead of merging it",
      expected: "connectors [slack, github]",
      received: "connectors [github]\n(slack was dropped)",
      source: "seed 002 (Merge partial update table)",
    }),
  ];

  const checks: CheckResult[] = [
    { check: "merge_tool_pack_crud", description: "Create, read, update and delete a tool pack", status: "passed", findings: 0, durationMs: 270 },
    { check: "merge_partial_update_table", description: "Seed 002's partial update table, case by case", status: "failed", findings: 1, durationMs: 340 },
    { check: "read_operations", description: "Every read operation answers a valid request with its documented success", status: "passed", findings: 0, durationMs: 115 },
    { check: "auth_required", description: "Protected operations answer 401 to a missing, malformed or unknown credential", status: "passed", findings: 0, durationMs: 654 },
    { check: "negative_data_rejection", description: "Requests that break the schema get a documented 4xx, never 2xx or 5xx", status: "failed", findings: 1, durationMs: 521 },
    { check: "rate_limit", description: "A bounded burst gets the documented 429 and body (opt-in: --rate-limit)", status: "skipped", findings: 0, reason: `not asked for (--rate-limit): it burns the "key's" quota & <more>`, durationMs: 0 },
    { check: "status_code_conformance", description: "Every response status is documented for its operation", status: "failed", findings: 1, durationMs: 1 },
    { check: "response_schema_conformance", description: "Every response body validates against the schema of its status", status: "passed", findings: 0, durationMs: 185 },
    { check: "secret_non_disclosure", description: "Planted secrets never come back, in any form, in any response", status: "failed", findings: 1, durationMs: 3 },
  ];

  const coverage: CoverageRow[] = ctx.operations.map((operation, i) => {
    const documented = Object.keys(operation.responses);
    return {
      operationId: operation.operationId,
      ref: operation.ref,
      method: operation.method.toUpperCase(),
      path: operation.path,
      documented,
      observed: documented.filter((code, j) => (i + j) % 3 !== 2),
      undocumented: operation.operationId === "createToolPack" ? ["500"] : [],
    };
  });

  const report: Report = {
    tool: "connector-contracts",
    api: "merge",
    baseUrl: "https://merge.example.test/api/v1",
    runId: ctx.runId,
    startedAt: "2026-11-23T09:30:00.000Z",
    durationMs: 3_412,
    options: { readOnly: false, rateLimit: false, destructive: false, secondaryKey: true, maxRequests: 3000, requestsPerSecond: 50, only: [] },
    checks,
    findings,
    coverage,
    requests: 152,
    sent: [{ seq: 1, sentBy: "prepare", method: "GET", path: "/api/v1/connectors/?page_size=1", operationId: "listConnectors", status: 200 }],
    leftBehind: [`merge tool pack cc-conformance-${ctx.runId}-probes (tp_9): DELETE answered 500 & <b>kept</b>`],
    modified: [],
    notes: ['Stopped early: request budget of 3000 reached. Raise --max-requests to run every check. "quoted" & <angled>'],
  };
  return { report, secrets: [FAKE_PRIMARY_KEY, FAKE_SECONDARY_KEY, canary] };
}
