import type { ApiName } from "../../src/contracts/apiNames.js";
import { resolveRef } from "../../src/contracts/examples.js";
import { loadSpec } from "../../src/contracts/loadSpec.js";

/** The named examples of one response of one operation, as the contract holds them. */
export function responseExamples(api: ApiName, path: string, method: string, status: string): Record<string, unknown> {
  const spec = loadSpec(api);
  const response = resolveRef(spec, (spec.paths[path] as any)[method].responses[status]) as any;
  const examples = response.content["application/json"].examples as Record<string, unknown>;
  return Object.fromEntries(Object.entries(examples).map(([name, ex]) => [name, (resolveRef(spec, ex) as { value: unknown }).value]));
}

/** The example Prism serves by default: the first one. */
export function firstResponseExample(api: ApiName, path: string, method: string, status: string): unknown {
  return Object.values(responseExamples(api, path, method, status))[0];
}
