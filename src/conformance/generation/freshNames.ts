import type { CheckContext } from "../context.js";
import type { JsonPath } from "./jsonPaths.js";
import type { NegativeCase } from "./negativeCases.js";

const counters = new WeakMap<CheckContext, number>();

/**
 * The case with every name the run made (ctx.name) in its body replaced by a new one, so a
 * server that wrongly accepts one case cannot make the next answer 409 "name taken" (which would
 * look like a rejection). The changed field itself is left as generated.
 */
export function freshNames(ctx: CheckContext, testCase: NegativeCase): NegativeCase {
  if (testCase.body === undefined) return testCase;
  const prefix = ctx.name("");
  const next = () => {
    const n = (counters.get(ctx) ?? 0) + 1;
    counters.set(ctx, n);
    return ctx.name(`g${n.toString(36)}`);
  };
  const visit = (node: unknown, path: JsonPath): unknown => {
    if (samepath(path, testCase.bodyPath)) return node;
    if (typeof node === "string") return node.startsWith(prefix) && node.length <= prefix.length + 24 ? next() : node;
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, [...path, k])]));
    return node;
  };
  return { ...testCase, body: visit(testCase.body, []) };
}

function samepath(a: JsonPath, b: JsonPath | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((segment, i) => segment === b[i]);
}
