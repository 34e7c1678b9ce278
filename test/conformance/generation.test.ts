import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckContext } from "../../src/conformance/context.js";
import { profileFor } from "../../src/conformance/flows/index.js";
import { baseRequestsFor } from "../../src/conformance/generation/baseRequests.js";
import { invalidInputStatuses } from "../../src/conformance/generation/invalidInputStatus.js";
import { negativeCasesFor, requestKey } from "../../src/conformance/generation/negativeCases.js";
import { DEFAULT_OPTIONS } from "../../src/conformance/options.js";
import type { Probe } from "../../src/conformance/profile.js";
import { runConformance } from "../../src/conformance/runner.js";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable } from "../../src/contracts/operationTable.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { readDevKeys } from "../../src/server/fixtures.js";
import { startTestServer, type TestServer } from "../support/testServer.js";

const spec = loadSpec("merge");
const sources = (seed: number, examples: number) => ({ spec, validator: new SpecSchemaValidator(spec), parameterValidator: new SpecSchemaValidator(spec, { coerceTypes: true }), seed, examples });
const createToolPack = operationTable(spec).find((o) => o.operationId === "createToolPack")!;
const listToolPacks = operationTable(spec).find((o) => o.operationId === "listToolPacks")!;
const probe = { operationId: "createToolPack", body: { name: "cc-conformance-00000000-pack", description: "a pack", connectors: [] } };

describe("negative cases generated from the contract", () => {
  it("break every rule of the body once: required, types, null, bounds, closed body, and the body itself", () => {
    const cases = negativeCasesFor(sources(1, 1), createToolPack, probe);
    const kinds = new Set(cases.map((c) => c.kind));
    for (const kind of ["missing-required", "wrong-type", "null", "too-short", "too-long", "oversize", "unknown-property", "malformed-json", "missing-body", "wrong-content-type"]) expect(kinds, kind).toContain(kind);
    expect(cases.map((c) => c.where)).toEqual(expect.arrayContaining(["body.name", "body.description", "body.cc_unknown_property"]));
  });

  it("keeps only requests the contract's own validator rejects", () => {
    const validator = new SpecSchemaValidator(spec);
    for (const c of negativeCasesFor(sources(1, 3), createToolPack, probe).filter((c) => c.body !== undefined && c.rawBody === undefined)) {
      expect(validator.validate(createToolPack.requestBody!.schemaPointer, c.body).length, c.what).toBeGreaterThan(0);
    }
  });

  it("covers query parameters as a server reads them (a number that is not one, out of bounds, a scalar given twice)", () => {
    const cases = negativeCasesFor(sources(1, 1), listToolPacks, { operationId: "listToolPacks", query: { page_size: "10" } });
    expect(cases.every((c) => c.location === "query")).toBe(true);
    expect(cases.map((c) => `${c.where}:${c.kind}`)).toEqual(expect.arrayContaining(["query.page_size:wrong-type", "query.page_size:above-maximum", "query.page_size:repeated-key"]));
    expect(cases.find((c) => c.kind === "repeated-key" && c.where === "query.page_size")?.query).toEqual({ page_size: ["10", "10"] });
  });

  it("replays the same requests for the same seed, and goes deeper with --examples", () => {
    const a = negativeCasesFor(sources(7, 4), createToolPack, probe);
    expect(negativeCasesFor(sources(7, 4), createToolPack, probe)).toEqual(a);
    expect(negativeCasesFor(sources(8, 4), createToolPack, probe)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(negativeCasesFor(sources(7, 1), createToolPack, probe).length);
  });
});

/**
 * Issue 16's bar: at the default depth, at least as many distinct invalid requests per API as
 * Specmatic's generative mode sent against the same server (Wexa 419, Merge 4,080, Vern 439,
 * EvalStudio 397; docs/tools.md), with a margin.
 */
const AT_LEAST: Record<ApiName, number> = { wexa: 430, merge: 4_100, vern: 450, evalstudio: 410 };

describe("negative cases at the default depth, from the probes each profile prepares against the reference server", () => {
  let server: TestServer;
  const probes = {} as Record<ApiName, Record<string, Probe>>;
  const contexts: CheckContext[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    for (const api of API_NAMES) {
      const ctx = new CheckContext({ ...DEFAULT_OPTIONS, api, baseUrl: server.apiUrls[api]!, primaryKey: readDevKeys(api)[0]?.key, seed: 1, fetch: globalThis.fetch, onProgress: () => undefined, requestsPerSecond: 100_000 });
      contexts.push(ctx);
      probes[api] = await profileFor(api).prepare(ctx);
    }
  }, 120_000);
  afterAll(async () => {
    for (const ctx of contexts) await ctx.cleanup.run();
    await server?.stop();
  });

  const generate = (api: ApiName, seed: number) => {
    const apiSpec = loadSpec(api);
    const apiSources = { spec: apiSpec, validator: new SpecSchemaValidator(apiSpec), parameterValidator: new SpecSchemaValidator(apiSpec, { coerceTypes: true }), seed, examples: 1 };
    return operationTable(apiSpec).flatMap((operation) => {
      const probe = probes[api][operation.operationId];
      if (!probe && operation.parameters.some((p) => p.in === "path")) return [];
      // As the check plans them: only cases whose invalid-input status the contract documents.
      return negativeCasesFor(apiSources, operation, probe).filter((c) => invalidInputStatuses(operation, c.location, c.kind).length > 0).map((testCase) => ({ operation, testCase }));
    });
  };

  it.each(API_NAMES)("%s: at least the issue's count of distinct invalid requests for seeds 1, 2 and 3, the same requests for the same seed", (api) => {
    for (const seed of [1, 2, 3]) {
      const cases = generate(api, seed);
      const keys = cases.map(({ operation, testCase }) => `${operation.operationId}|${requestKey(testCase)}`);
      expect(new Set(keys).size, `${api} seed ${seed}`).toBe(keys.length);
      expect(keys.length, `${api} seed ${seed}`).toBeGreaterThanOrEqual(AT_LEAST[api]);
      expect(generate(api, seed).map(({ operation, testCase }) => `${operation.operationId}|${requestKey(testCase)}`)).toEqual(keys);
    }
  });

  it.each(API_NAMES)("%s: every base request is valid, and every case is one the contract's own validator rejects", (api) => {
    const apiSpec = loadSpec(api);
    const validator = new SpecSchemaValidator(apiSpec);
    const parameterValidator = new SpecSchemaValidator(apiSpec, { coerceTypes: true });
    let bodies = 0;
    for (const operation of operationTable(apiSpec)) {
      const probe = probes[api][operation.operationId];
      const bases = baseRequestsFor({ spec: apiSpec, validator, parameterValidator, seed: 1, examples: 1 }, operation, probe);
      for (const base of bases.body.slice(1)) {
        bodies++;
        expect(validator.validate(operation.requestBody!.schemaPointer, base.body), `${operation.operationId}: ${base.what}`).toEqual([]);
      }
      for (const base of bases.query) {
        for (const parameter of operation.parameters.filter((p) => p.in === "query" && base.query?.[p.name] !== undefined)) {
          expect(parameterValidator.validate(parameter.schemaPointer, base.query![parameter.name]), `${operation.operationId}: ${base.what}`).toEqual([]);
        }
      }
    }
    expect(bodies, "bases besides the probe").toBeGreaterThan(0);
    for (const { operation, testCase } of generate(api, 1)) {
      if (testCase.location === "body" && testCase.rawBody === undefined && testCase.body !== undefined) {
        expect(validator.validate(operation.requestBody!.schemaPointer, testCase.body).length, `${operation.operationId}: ${testCase.what}`).toBeGreaterThan(0);
      } else if (testCase.location !== "body" && testCase.kind !== "missing-required") {
        const name = testCase.where.split(".")[1]!;
        const parameter = operation.parameters.find((p) => p.name === name)!;
        const value = (testCase.location === "path" ? testCase.pathParams : testCase.query)![name];
        expect(parameterValidator.validate(parameter.schemaPointer, value).length, `${operation.operationId}: ${testCase.what}`).toBeGreaterThan(0);
      }
    }
  });
});

describe("a default run against Vern's documented rate limit (invalid requests count against it)", () => {
  let server: TestServer;
  beforeAll(async () => {
    // The reference server's default: about 100 requests a minute per key per operation.
    server = await startTestServer({ env: { VERN_RATE_LIMIT: undefined } });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("judges at least the issue's count of invalid requests, none of them answered 429, and says how many in the report", async () => {
    const [primary] = readDevKeys("vern");
    const report = await runConformance({ api: "vern", baseUrl: server.apiUrls.vern!, primaryKey: primary!.key, seed: 1, requestsPerSecond: 100_000, only: ["negative_data_rejection"] });
    expect(report.findings).toEqual([]);
    expect(report.invalidInputs!.rateLimited).toBe(0);
    // The generator gives Vern more than the limit lets through in a minute: the check kept to it.
    expect(report.invalidInputs!.leftOut).toBeGreaterThan(0);
    expect(report.invalidInputs!.judged).toBeGreaterThanOrEqual(AT_LEAST.vern);
    expect(report.invalidInputs!.judged).toBe(report.sent.filter((s) => s.sentBy === "negative_data_rejection" && s.status !== 429).length);
    expect(report.sent.filter((s) => s.status === 429)).toEqual([]);
  }, 120_000);
});
