import { readFileSync } from "node:fs";
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
    spec = loadSpecFile(specPath(api));
    cache.set(api, spec);
  }
  return spec;
}
