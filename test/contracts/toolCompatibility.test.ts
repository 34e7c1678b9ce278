import { readFileSync } from "node:fs";
import { bundle, createConfig, lint } from "@redocly/openapi-core";
import { isAlias, parseDocument, visit } from "yaml";
import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { specPath } from "../../src/contracts/loadSpec.js";
import { writeBrokenSpec } from "../support/specCopies.js";

/**
 * Redocly's structural rules: a second OpenAPI parser, independent of the project's own (yaml +
 * Ajv), so a contract that only our reader accepts fails here. `no-path-trailing-slash` is off:
 * Merge's paths end in `/` because the vendor's do.
 */
const redoclyConfig = createConfig({
  rules: {
    struct: "error",
    "no-unresolved-refs": "error",
    "operation-operationId-unique": "error",
    "path-parameters-defined": "error",
    "no-identical-paths": "error",
    "no-invalid-parameter-examples": "error",
    "no-invalid-media-type-examples": "error",
    "no-example-value-and-externalValue": "error",
  },
});

async function redoclyErrors(file: string): Promise<string[]> {
  const config = await redoclyConfig;
  const bundled = await bundle({ ref: file, config });
  const problems = [...bundled.problems, ...(await lint({ ref: file, config }))];
  return problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
}

/** What Specmatic and other YAML readers trip on: anchors/aliases, and range status keys (`4XX`). */
function toolHostileConstructs(file: string): string[] {
  const found: string[] = [];
  const doc = parseDocument(readFileSync(file, "utf8"));
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) found.push(`alias *${node.source}`);
      else if ((node as { anchor?: string }).anchor) found.push(`anchor &${(node as { anchor?: string }).anchor}`);
    },
  });
  const spec = doc.toJS() as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      for (const status of Object.keys(operation?.responses ?? {})) if (!/^[1-5]\d\d$/.test(status)) found.push(`${method} ${path} ${status}`);
    }
  }
  return found;
}

describe("every contract loads in a second, independent parser (Redocly)", () => {
  it.each(API_NAMES)("%s: Redocly bundles and lints it with no structural error", async (api) => {
    expect(await redoclyErrors(specPath(api))).toEqual([]);
  });

  it("catches a contract with a dangling $ref and a parameter example of the wrong type", async () => {
    const broken = writeBrokenSpec("evalstudio", (spec) => {
      (spec.paths["/projects"] as any).get.responses["200"].content["application/json"].schema = { $ref: "#/components/schemas/Nowhere" };
      const parameter = (spec.components as any).parameters ?? {};
      const first = Object.values(parameter)[0] as { example?: unknown };
      first.example = 42;
    });
    const errors = await redoclyErrors(broken);
    expect(errors.some((e) => e.startsWith("no-unresolved-refs"))).toBe(true);
    expect(errors.some((e) => e.startsWith("no-invalid-parameter-examples"))).toBe(true);
  });
});

describe("no construct that example-driven tools cannot read", () => {
  it.each(API_NAMES)("%s: no YAML anchor or alias, no range status key", (api) => {
    expect(toolHostileConstructs(specPath(api))).toEqual([]);
  });

  it("catches an alias and a 4XX range", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "cc-alias-")), "x.yaml");
    writeFileSync(file, "openapi: 3.1.0\nx-shared: &shared {a: 1}\npaths:\n  /x:\n    get:\n      x-copy: *shared\n      responses:\n        '4XX': {description: e}\n");
    expect(toolHostileConstructs(file)).toEqual(["anchor &shared", "alias *shared", "get /x 4XX"]);
  });
});
