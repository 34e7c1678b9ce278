import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { checkGeneratedTypes, generatedPath } from "../../src/contracts/generateTypes.js";
import { writeBrokenSpec } from "../support/specCopies.js";

describe("src/generated/<api>.ts are fresh output of openapi-typescript", () => {
  it.each(API_NAMES)("%s: the checked-in types match the contract", async (api) => {
    expect(await checkGeneratedTypes(api), `src/generated/${api}.ts is stale: run npm run generate`).toBe(true);
    expect(readFileSync(generatedPath(api), "utf8")).toMatch(/^\/\*\*\n \* DO NOT EDIT/);
  });

  it("catches types that are stale after a contract change", async () => {
    const changed = writeBrokenSpec("wexa", (spec) => {
      (spec.components!.schemas as Record<string, unknown>).AddedAfterGeneration = { type: "object", properties: { x: { type: "string" } } };
    });
    expect(await checkGeneratedTypes("wexa", changed)).toBe(false);
  });

  it("catches a hand edit of a generated file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-types-"));
    const edited = join(dir, "vern.ts");
    writeFileSync(edited, readFileSync(generatedPath("vern"), "utf8").replace("export interface paths", "export interface pathz"));
    expect(await checkGeneratedTypes("vern", undefined, edited)).toBe(false);
  });
});
