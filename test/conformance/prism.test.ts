import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { runConformance } from "../../src/conformance/index.js";
import { startPrismMocks, type PrismMocks } from "../../src/mock/prismMocks.js";
import { readDevKeys } from "../../src/server/fixtures.js";

/**
 * The checks that apply to a static mock: it answers every valid request with a documented example
 * and keeps no state, so there is nothing to create, isolate, delete or rate-limit. Prism checks that
 * a credential is present, not that it is known, so auth is not among them either.
 */
const STATIC_CHECKS = ["read_operations", "status_code_conformance", "response_schema_conformance", "content_type_conformance", "required_response_headers"];

const keyOf = (api: ApiName) => (api === "evalstudio" ? undefined : readDevKeys(api)[0]!.key);

/** A stateless mock has nothing to discover: any well-formed id gets the documented example. */
const FIXTURES: Partial<Record<ApiName, Record<string, string>>> = {
  vern: { "vern.migrationId": "0f8fad5b-d9cb-469f-a165-70867728950e", "vern.runId": "7c9e6679-7425-40de-944b-e07fc1f90ae7" },
};

describe("the suite's static-mock checks against the Prism mock of each contract", () => {
  let mocks: PrismMocks;
  beforeAll(async () => {
    mocks = await startPrismMocks({ basePort: 4640 });
  });
  afterAll(async () => {
    await mocks?.close();
  });

  it.each(API_NAMES)("%s: the documented examples Prism serves pass every static check", async (api) => {
    const report = await runConformance({ api, baseUrl: mocks.urls[api], primaryKey: keyOf(api), readOnly: true, only: STATIC_CHECKS, requestsPerSecond: 500, fixtures: FIXTURES[api] });
    expect(report.findings, JSON.stringify(report.findings, null, 2)).toEqual([]);
    const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
    for (const check of STATIC_CHECKS.filter((c) => c !== "required_response_headers")) expect(status[check], check).toBe("passed");
    const readsSeen = report.coverage.filter((row) => row.method === "GET" && row.observed.some((s) => s.startsWith("2")));
    expect(readsSeen.length, "reads answered with a documented 2xx").toBeGreaterThan(0);
    console.log(`[prism] ${api}: ${report.requests} requests, ${readsSeen.length} reads answered with a documented 2xx, 0 findings`);
  });
});
