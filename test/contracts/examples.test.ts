import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { loadSpec, loadSpecFile } from "../../src/contracts/loadSpec.js";
import { validateExamples } from "../../src/contracts/examples.js";
import { operationTable } from "../../src/contracts/operationTable.js";
import { writeBrokenSpec } from "../support/specCopies.js";

describe("every example in the contracts validates against its schema (Ajv, JSON Schema 2020-12)", () => {
  it.each(API_NAMES)("%s: all examples valid", (api) => {
    expect(validateExamples(loadSpec(api))).toEqual([]);
  });

  it.each(API_NAMES)("%s: every documented response body has at least one example to validate", (api) => {
    const spec = loadSpec(api);
    const withoutExamples = operationTable(spec).flatMap((op) =>
      Object.entries(op.responses)
        .filter(([, r]) => r.schemaPointer)
        .filter(([status]) => !hasExample(spec, op.path, op.method, status))
        .map(([status]) => `${op.operationId} ${status}`),
    );
    expect(withoutExamples).toEqual([]);
  });

  it("catches an example that breaks its schema", () => {
    const broken = writeBrokenSpec("evalstudio", (spec) => {
      const op = (spec.paths["/projects"] as any).post;
      const examples = op.requestBody.content["application/json"].examples;
      const first = Object.values(examples)[0] as { value: Record<string, unknown> };
      first.value.name = 42;
    });
    const problems = validateExamples(loadSpecFile(broken));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toMatch(/POST \/projects request/);
    expect(problems[0]!.message).toMatch(/\/name must be string/);
  });
});

function hasExample(spec: any, path: string, method: string, status: string): boolean {
  let response = spec.paths[path][method].responses[status];
  if (response.$ref) response = response.$ref.slice(2).split("/").reduce((n: any, k: string) => n[k], spec);
  return Object.values(response.content ?? {}).some((m: any) => m.example !== undefined || Object.keys(m.examples ?? {}).length > 0);
}
