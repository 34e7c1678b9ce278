import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { PACKAGE_FILES } from "../packageFiles.js";
import type { ApiName } from "./apiNames.js";

/** A parsed OpenAPI 3.1 document (kept loose: the spec files are the typed source of truth). */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; "x-api-name"?: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
};

export const OPENAPI_DIR = PACKAGE_FILES.openapi;

export function specPath(api: ApiName): string {
  return `${OPENAPI_DIR}${api}.yaml`;
}

export function loadSpecFile(path: string): OpenApiDocument {
  return parse(readFileSync(path, "utf8")) as OpenApiDocument;
}

const cache = new Map<ApiName, OpenApiDocument>();

/** The contract of one API, parsed once per process. Callers must not mutate it. */
export function loadSpec(api: ApiName): OpenApiDocument {
  let spec = cache.get(api);
  if (!spec) {
    spec = specFromText(api, readFileSync(specPath(api), "utf8"));
    cache.set(api, spec);
  }
  return spec;
}

/**
 * A contract from its YAML text, or from the JSON that `npm run build` parsed it into
 * (writeParsedContracts) when that JSON came from this very text. Parsing the four contracts'
 * YAML was a large part of every server start; JSON.parse of the same document is nearly free.
 * The JSON's name carries a hash of the YAML, so an edited contract is never answered by the
 * JSON of an older one: it is parsed from YAML until the next build.
 */
export function specFromText(api: ApiName, yamlText: string, parsedDir = PACKAGE_FILES.parsedContracts): OpenApiDocument {
  try {
    return JSON.parse(readFileSync(parsedContractFile(parsedDir, api, yamlText), "utf8")) as OpenApiDocument;
  } catch {
    return parse(yamlText) as OpenApiDocument;
  }
}

function parsedContractFile(parsedDir: string, api: ApiName, yamlText: string): string {
  return `${parsedDir}${api}.${createHash("sha256").update(yamlText).digest("hex").slice(0, 16)}.json`;
}

/** `npm run build`'s last step (scripts/parse-contracts.mjs): each contract parsed once, as JSON, for specFromText. */
export function writeParsedContracts(apis: readonly ApiName[], parsedDir = PACKAGE_FILES.parsedContracts): void {
  rmSync(parsedDir, { recursive: true, force: true });
  mkdirSync(parsedDir, { recursive: true });
  for (const api of apis) {
    const text = readFileSync(specPath(api), "utf8");
    writeFileSync(parsedContractFile(parsedDir, api, text), JSON.stringify(parse(text)));
  }
}
