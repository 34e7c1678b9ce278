import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { resolvePointer } from "../../src/contracts/examples.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";
import { judge, seededIdsByName } from "./support/apiFacts.js";
import { bodyBytes, toRawRequest } from "./support/draftRequest.js";
import { applyMutation, mutation } from "./support/mutations.js";
import { operationsOf, validRequest } from "./support/requestArbitraries.js";
import { arbitraryFor } from "../../src/conformance/generation/schemaArbitrary.js";

/** The fuzzer's own parts, shown to work: its verdicts fire and stay silent, its generator makes what the contract accepts. */
describe("the fuzzer's tooling", () => {
  const json = { "content-type": "application/json; charset=utf-8" };

  it.each([
    ["a 500", "evalstudio", { status: 500, headers: json, body: '{"error":"Internal server error"}' }, /answered 500/],
    ["a 404 page in HTML", "merge", { status: 404, headers: { "content-type": "text/html" }, body: "<h1>Not Found</h1>" }, /not JSON/],
    ["a 400 with an empty EvalStudio message", "evalstudio", { status: 400, headers: json, body: '{"error":""}' }, /not evalstudio's Error/],
    ["a 400 in another API's shape", "wexa", { status: 400, headers: json, body: '{"error":"bad"}' }, /not wexa's Error/],
    ["a 431 without a body", "vern", { status: 431, headers: {}, body: "" }, /not JSON/],
  ] as const)("judges %s a failure", (_what, api, answer, expected) => {
    expect(judge(api, answer)).toMatch(expected);
  });

  it.each([
    ["a 2xx", "merge", { status: 200, headers: json, body: "{}" }],
    ["a Merge 404", "merge", { status: 404, headers: json, body: '{"code":"not_found","detail":"Tool pack not found."}' }],
    ["a Vern 409 naming the run", "vern", { status: 409, headers: json, body: '{"error":"busy","run_id":"00000000-0000-4000-8000-000000000000"}' }],
  ] as const)("judges %s a pass", (_what, api, answer) => {
    expect(judge(api, answer)).toBeUndefined();
  });

  it.each(API_NAMES)("generates %s request bodies that the contract accepts (at least 9 in 10 per operation)", (api) => {
    const spec = loadSpec(api);
    const validator = new SpecSchemaValidator(spec);
    for (const operation of operationsOf(api).filter((op) => op.requestBody)) {
      const pointer = operation.requestBody!.schemaPointer;
      const samples = fc.sample(arbitraryFor(resolvePointer(spec, `#${pointer}`), { spec }), { numRuns: 50, seed: 1 });
      const valid = samples.filter((value) => validator.validate(pointer, value).length === 0).length;
      expect(valid, `${api} ${operation.operationId}`).toBeGreaterThanOrEqual(45);
    }
  });

  it("refuses a schema keyword it does not know instead of generating something else", () => {
    const spec = loadSpec("evalstudio");
    expect(() => arbitraryFor({ type: "string", contentEncoding: "base64" }, { spec })).toThrow(/keyword "contentEncoding"/);
    expect(() => arbitraryFor({ type: "string", format: "email" }, { spec })).toThrow(/format email/);
  });

  it("changes the request with every mutation", () => {
    const target = { api: "merge" as const, credential: ["authorization", "Bearer k"] as [string, string], knownIds: seededIdsByName("merge") };
    const operation = operationsOf("merge").find((op) => op.operationId === "updateToolPack")!;
    const drafts = fc.sample(validRequest(target, operation), { numRuns: 20, seed: 2 });
    const mutations = fc.sample(mutation, { numRuns: 300, seed: 3 });
    const kinds = new Set<string>();
    mutations.forEach((m, i) => {
      const draft = drafts[i % drafts.length]!;
      const before = toRawRequest("/merge", draft);
      const after = toRawRequest("/merge", applyMutation(draft, m, "authorization"));
      const same = before.method === after.method && before.path === after.path && JSON.stringify(before.headers) === JSON.stringify(after.headers) && bodyBytes(draft.body)?.equals(after.body ?? Buffer.alloc(0));
      if (!same) kinds.add(m.kind);
    });
    expect([...kinds].sort()).toEqual([...new Set(mutations.map((m) => m.kind))].sort());
  });
});
