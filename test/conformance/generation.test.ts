import { describe, expect, it } from "vitest";
import { negativeCasesFor } from "../../src/conformance/generation/negativeCases.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";
import { operationTable } from "../../src/contracts/operationTable.js";
import { SpecSchemaValidator } from "../../src/contracts/schemaValidator.js";

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

  it("covers query parameters as a server reads them (a number that is not one, out of bounds)", () => {
    const cases = negativeCasesFor(sources(1, 1), listToolPacks, { operationId: "listToolPacks", query: { page_size: "10" } });
    expect(cases.every((c) => c.location === "query")).toBe(true);
    expect(cases.map((c) => `${c.where}:${c.kind}`)).toEqual(expect.arrayContaining(["query.page_size:wrong-type", "query.page_size:above-maximum"]));
  });

  it("replays the same requests for the same seed, and goes deeper with --examples", () => {
    const a = negativeCasesFor(sources(7, 4), createToolPack, probe);
    expect(negativeCasesFor(sources(7, 4), createToolPack, probe)).toEqual(a);
    expect(negativeCasesFor(sources(8, 4), createToolPack, probe)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(negativeCasesFor(sources(7, 1), createToolPack, probe).length);
  });
});
