import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, type ApiName } from "../../src/contracts/apiNames.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { DATABASE_TARGETS } from "../support/testDatabases.js";
import { startTestServer, type TestServer } from "../support/testServer.js";
import { judge, primaryCredential, seededIds, seededIdsByName } from "./support/apiFacts.js";
import { describeDraft, toRawRequest, type DraftRequest } from "./support/draftRequest.js";
import { FuzzFigures } from "./support/fuzzFigures.js";
import { applyMutation, mutation, type Mutation } from "./support/mutations.js";
import { keepAliveAgent, sendRaw, type RawResponse } from "./support/rawHttp.js";
import { anyValidRequest, operationsOf, type FuzzTarget } from "./support/requestArbitraries.js";

/**
 * Property-based requests generated from the contracts: for every operation of the four APIs,
 * requests the contract allows and requests it does not (wrong types, 100 KB strings, 1,000-deep
 * nesting, unicode and invalid UTF-8, missing and extra fields, bad and duplicate headers,
 * malformed JSON, garbage path ids and queries), sent over real HTTP with the API's dev key.
 *
 * Properties: no 5xx, an answer to every request (no hang, no dropped connection), every 4xx a
 * JSON body valid against that API's `#/components/schemas/Error`, and the server healthy after.
 * The server runs with RESPONSE_VALIDATION=enforce: a 2xx that breaks the contract becomes a 500,
 * so "no 5xx" also means "every success answer matched the contract".
 *
 * FUZZ_RUNS (requests per API and property; default below) and FUZZ_SEED (default fixed, so CI is
 * deterministic; FUZZ_SEED=random picks one) replay or widen a run; the seed is printed.
 * It runs on PGlite and on PostgreSQL: storage differs (PostgreSQL's jsonb refuses a lone surrogate
 * that PGlite stores).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = process.env.FUZZ_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20_240_905);

describe.each(DATABASE_TARGETS)("fuzzing the reference server on %s from its contracts", (database) => {
  let server: TestServer;
  const agent = keepAliveAgent();
  const targets = {} as Record<ApiName, FuzzTarget>;
  const totals = new FuzzFigures();

  beforeAll(async () => {
    // Connector calls go to 127.0.0.1:9 (the generator's URLs): refused at once, but bound them anyway.
    server = await startTestServer({ database, env: { CONNECTOR_TIMEOUT_MS: "1000" } });
    for (const api of API_NAMES) {
      const knownIds = seededIdsByName(api);
      for (const [name, ids] of Object.entries(await setUp(server, api))) knownIds.set(name, [...(knownIds.get(name) ?? []), ...ids]);
      targets[api] = { api, credential: primaryCredential(api), knownIds };
    }
    console.log(`[fuzz] seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}), ${RUNS} requests per API and property, on ${database}, RESPONSE_VALIDATION=enforce`);
  });
  afterAll(async () => {
    console.log(totals.summary(`all APIs, valid and invalid, on ${database}`));
    agent.destroy();
    await server?.stop();
  });

  const mountOf = (api: ApiName) => new URL(server.apiUrls[api]!).pathname;

  /** Sends one draft and throws (for fast-check to shrink and report) when the answer breaks a property. */
  async function sendAndJudge(draft: DraftRequest, kinds: readonly string[], figures: FuzzFigures) {
    let answer: RawResponse;
    try {
      answer = await sendRaw(server.url, toRawRequest(mountOf(draft.api), draft), { agent, timeoutMs: 15_000 });
    } catch (error) {
      throw new Error(`no answer (${(error as Error).message}): ${describeDraft(mountOf(draft.api), draft)}`);
    }
    figures.record(kinds, answer.status, answer.ms, answer.body.length);
    totals.record(kinds, answer.status, answer.ms, answer.body.length);
    const problem = judge(draft.api, answer);
    if (problem) throw new Error(`${problem}\n  request: ${describeDraft(mountOf(draft.api), draft)}\n  answer: ${answer.status} ${answer.body.slice(0, 400)}`);
  }

  async function checkProperty(figures: FuzzFigures, title: string, property: fc.IAsyncProperty<any>) {
    const started = performance.now();
    const result = await fc.check(property, { numRuns: RUNS, seed: SEED });
    console.log(`${figures.summary(title)}\n       ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(result.failed, `${fc.defaultReportMessage(result) ?? ""}\n${(result.errorInstance as Error | undefined)?.message ?? ""}`).toBe(false);
    const health = await fetch(`${server.url}/__admin/health`);
    expect(health.status, "the server still answers /__admin/health").toBe(200);
  }

  describe.each(API_NAMES)("%s", (api) => {
    it("answers requests the contract allows without a 5xx, and refuses any of them only with its Error body", async () => {
      const figures = new FuzzFigures();
      const validator = new SpecSchemaValidator(loadSpec(api));
      const bodyPointers = new Map(operationsOf(api).map((op) => [op.operationId, op.requestBody?.schemaPointer]));
      const property = fc.asyncProperty(anyValidRequest(targets[api]), async (draft) => {
        const pointer = bodyPointers.get(draft.operationId);
        if (pointer && draft.body.kind === "json") {
          figures.bodiesChecked++;
          if (validator.validate(pointer, draft.body.value).length === 0) figures.bodiesValid++;
        }
        await sendAndJudge(draft, [draft.operationId], figures);
      });
      await checkProperty(figures, `${api} on ${database}, requests generated as valid`, property);
      // The generator reaches the handlers: a fuzzer that only ever got 400s and 404s would prove little.
      expect(figures.count((s) => s >= 200 && s < 300), "2xx answers").toBeGreaterThanOrEqual(Math.ceil(RUNS / 10));
      expect(figures.bodiesValid, "generated bodies that Ajv accepts").toBeGreaterThanOrEqual(Math.ceil(figures.bodiesChecked / 2));
    });

    it("answers deliberately invalid requests with a 4xx in its Error body, never a 5xx or a dropped connection", async () => {
      const figures = new FuzzFigures();
      const credentialName = targets[api].credential?.[0] ?? "authorization";
      const invalid = fc.tuple(anyValidRequest(targets[api]), fc.array(mutation, { minLength: 1, maxLength: 2 }));
      const property = fc.asyncProperty(invalid, async ([draft, mutations]: [DraftRequest, Mutation[]]) => {
        const mutated = mutations.reduce((d, m) => applyMutation(d, m, credentialName), draft);
        await sendAndJudge(mutated, mutations.map((m) => m.kind), figures);
      });
      await checkProperty(figures, `${api} on ${database}, requests made invalid`, property);
      expect(figures.count((s) => s >= 400 && s < 500), "4xx answers").toBeGreaterThan(RUNS / 2);
    });
  });
});

/**
 * Work in flight that the seed has none of, so path ids can name it: a Vern run (the seed has
 * migrations but no runs). The other APIs' seeds already hold every kind of resource.
 */
async function setUp(server: TestServer, api: ApiName): Promise<Record<string, string[]>> {
  if (api !== "vern") return {};
  const [name, value] = primaryCredential("vern")!;
  const migration = seededIds("vern").find((id) => /^[0-9a-f-]{36}$/.test(id))!;
  const answer = await fetch(`${server.apiUrls.vern}/migrations/${migration}/runs`, {
    method: "POST",
    headers: { [name]: value, "content-type": "application/json" },
    body: JSON.stringify({ kind: "generate" }),
  });
  const started = (await answer.json()) as { run_id?: string };
  if (answer.status !== 201 || !started.run_id) throw new Error(`setting up a Vern run failed: ${answer.status} ${JSON.stringify(started)}`);
  return { run_id: [started.run_id] };
}

