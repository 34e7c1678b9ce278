import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_NAMES } from "../../src/contracts/apiNames.js";
import { specPath } from "../../src/contracts/loadSpec.js";
import { firstOperation, writeBrokenSpec } from "../support/specCopies.js";

const run = promisify(execFile);
const SPECTRAL = createRequire(import.meta.url).resolve("@stoplight/spectral-cli/dist/index.js");
const RULESET = fileURLToPath(new URL("../../spectral/ruleset.mjs", import.meta.url));

type LintResult = { code: string; severity: number; path: string[]; message: string };

/** Runs the real Spectral CLI with the project ruleset, failing on warnings as `npm run lint:openapi` does. */
async function lint(files: string[]): Promise<{ exitCode: number; results: LintResult[] }> {
  try {
    const { stdout } = await run(process.execPath, [SPECTRAL, "lint", ...files, "--ruleset", RULESET, "--format", "json", "--fail-severity", "warn", "--quiet"], { maxBuffer: 64 * 1024 * 1024 });
    return { exitCode: 0, results: JSON.parse(stdout || "[]") };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { exitCode: e.code ?? 1, results: JSON.parse(e.stdout || "[]") };
  }
}

describe("Spectral (OpenAPI ruleset + the project's rules)", () => {
  it("passes all four contracts with no errors and no warnings", async () => {
    const { exitCode, results } = await lint(API_NAMES.map(specPath));
    expect(results.map((r) => `${r.code} ${r.path.join(".")}: ${r.message}`)).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it("catches an operation without an operationId, an error response, examples or a security decision", async () => {
    const broken = writeBrokenSpec("merge", (spec) => {
      const operation = firstOperation(spec);
      delete operation.operationId;
      delete operation.security;
      for (const status of Object.keys(operation.responses)) if (status.startsWith("4")) delete operation.responses[status];
      for (const response of Object.values(operation.responses) as any[]) {
        for (const media of Object.values(response.content ?? {}) as any[]) delete media.examples;
      }
    });
    const { exitCode, results } = await lint([broken]);
    expect(exitCode).not.toBe(0);
    const codes = new Set(results.map((r) => r.code));
    for (const rule of ["cc-operation-id", "cc-error-response", "cc-security-decided", "cc-response-examples"]) {
      expect(codes, rule).toContain(rule);
    }
  });

  it("catches an error response that does not use the API's Error schema", async () => {
    const broken = writeBrokenSpec("vern", (spec) => {
      const responses = spec.components!.responses as Record<string, any>;
      const first = Object.values(responses).find((r) => r.content)!;
      first.content["application/json"].schema = { type: "object", properties: { message: { type: "string" } } };
    });
    const { exitCode, results } = await lint([broken]);
    expect(exitCode).not.toBe(0);
    expect(results.map((r) => r.code)).toContain("cc-error-schema");
  });
});
