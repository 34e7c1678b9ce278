import { readdirSync, readFileSync } from "node:fs";
import type { ApiName } from "../../../src/contracts/apiNames.js";
import { loadSpec } from "../../../src/contracts/loadSpec.js";
import { SpecSchemaValidator, formatAjvErrors } from "../../../src/contracts/schemaValidator.js";
import { FIXTURES_DIR, readDevKeys } from "../../../src/server/fixtures.js";

/** What the hardening tests need to know about one API, read from its contract and fixtures. */

/** The header that carries an API's credential, built from the contract's security scheme (none for EvalStudio). */
function credentialHeader(api: ApiName, key: string): [string, string] | undefined {
  const schemes = Object.values((loadSpec(api).components?.securitySchemes ?? {}) as Record<string, Record<string, string>>);
  const scheme = schemes[0];
  if (!scheme) return undefined;
  if (scheme.type === "apiKey" && scheme.in === "header") return [scheme.name!.toLowerCase(), key];
  if (scheme.type === "http" && scheme.scheme === "bearer") return ["authorization", `Bearer ${key}`];
  throw new Error(`${api}: unsupported security scheme ${JSON.stringify(scheme)}`);
}

/** The first dev key's credential header of an API (fixtures/<api>/keys.json), if it has keys. */
export function primaryCredential(api: ApiName): [string, string] | undefined {
  const [key] = readDevKeys(api);
  return key ? credentialHeader(api, key.key) : undefined;
}

const validators = new Map<ApiName, SpecSchemaValidator>();

/**
 * Checks a body against the API's `#/components/schemas/Error`; returns what is wrong (undefined
 * when it is a valid error body).
 */
export function errorShapeProblem(api: ApiName, body: unknown): string | undefined {
  let validator = validators.get(api);
  if (!validator) validators.set(api, (validator = new SpecSchemaValidator(loadSpec(api))));
  const errors = validator.validate("/components/schemas/Error", body);
  return errors.length === 0 ? undefined : formatAjvErrors(errors);
}

/**
 * The fuzzers' verdict on one answer: what breaks the properties (a 5xx; a 4xx that is not JSON
 * or not the API's Error), or undefined.
 */
export function judge(api: ApiName, answer: { status: number; headers: Record<string, string | string[] | undefined>; body: string }): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  const contentType = String(answer.headers["content-type"] ?? "");
  if (!/^application\/json\b/.test(contentType)) return `a ${answer.status} that is not JSON (content-type ${contentType || "none"})`;
  const problem = errorShapeProblem(api, jsonOrUndefined(answer.body));
  return problem ? `a ${answer.status} whose body is not ${api}'s Error (${problem})` : undefined;
}

/** Parses a response body as JSON; undefined when it is not JSON. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const ID_KEY = /(^|_)(id|slug)$|Id$|ID$/;

/**
 * Every id and slug in an API's seed data (fixtures/<api>/*.json, keys excepted): values a fuzzer
 * puts in path and body fields so that its requests reach existing resources, not only 404s.
 */
export function seededIds(api: ApiName): string[] {
  return [...new Set([...seededIdsByName(api).values()].flat())].sort();
}

/** The same ids, by the name of the field that holds them (`projectID`, `execution_id`, `slug`…). */
export function seededIdsByName(api: ApiName): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const walk = (node: unknown, key: string | undefined) => {
    if (typeof node === "string" && key && ID_KEY.test(key)) found.set(key, (found.get(key) ?? new Set()).add(node));
    else if (Array.isArray(node)) node.forEach((item) => walk(item, key));
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  for (const file of readdirSync(`${FIXTURES_DIR}${api}`)) {
    if (!file.endsWith(".json") || file === "keys.json") continue;
    walk(JSON.parse(readFileSync(`${FIXTURES_DIR}${api}/${file}`, "utf8")), undefined);
  }
  return new Map([...found].map(([key, values]) => [key, [...values].sort()]));
}
