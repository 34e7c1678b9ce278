import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ApiName } from "../../src/contracts/apiNames.js";
import { loadSpecFile, specPath, type OpenApiDocument } from "../../src/contracts/loadSpec.js";

/** Writes a deliberately altered copy of a contract to a temporary file and returns its path. */
export function writeBrokenSpec(api: ApiName, breakIt: (spec: OpenApiDocument) => void): string {
  const spec = loadSpecFile(specPath(api));
  breakIt(spec);
  const dir = mkdtempSync(join(tmpdir(), "cc-spec-"));
  const file = join(dir, `${api}.yaml`);
  writeFileSync(file, stringify(spec));
  return file;
}

/** The first operation object of a spec, for tests that break one operation. */
export function firstOperation(spec: OpenApiDocument): Record<string, any> {
  for (const pathItem of Object.values(spec.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      if (pathItem[method]) return pathItem[method] as Record<string, any>;
    }
  }
  throw new Error("spec has no operations");
}
