import { secretFields, type SecretField } from "../../contracts/secretFields.js";
import type { CheckContext } from "../context.js";
import type { Exchange } from "../types.js";
import { getAt, setAt, type JsonPath } from "./jsonPaths.js";

/** The header a map of secrets (EvalStudio's connector headers) gets when the valid body has none. */
const CANARY_KEY = "X-Cc-Canary";

/**
 * The body with a fresh canary in every field the contract marks `x-secret` (found by
 * secretFields(), so a new secret field gets one without code changes): a string is replaced, an
 * object's string values are, every value of a `*` map is (one is added to an empty map), and
 * every item of a `[]` list is.
 */
export function withCanaries(ctx: CheckContext, operationId: string, body: unknown): unknown {
  let out = body;
  for (const field of secretFields(ctx.spec).filter((f) => f.operationId === operationId)) out = plant(ctx, field, out, [], field.path);
  return out;
}

function plant(ctx: CheckContext, field: SecretField, body: unknown, at: JsonPath, rest: string[]): unknown {
  const label = () => `${field.operationId} ${field.path.join(".")}`;
  if (rest.length === 0) {
    const current = getAt(body, at);
    if (typeof current === "string") return setAt(body, at, ctx.plantSecret(label()));
    if (current && typeof current === "object" && !Array.isArray(current)) {
      return setAt(body, at, Object.fromEntries(Object.entries(current).map(([k, v]) => [k, typeof v === "string" ? ctx.plantSecret(label()) : v])));
    }
    return body;
  }
  const [head, ...tail] = rest as [string, ...string[]];
  const container = getAt(body, at);
  if (head === "*") {
    const keys = container && typeof container === "object" ? Object.keys(container) : [];
    if (keys.length === 0) return setAt(body, [...at, CANARY_KEY], ctx.plantSecret(label()));
    return keys.reduce((acc, key) => plant(ctx, field, acc, [...at, key], tail), body);
  }
  if (head === "[]") return Array.isArray(container) ? container.reduce((acc: unknown, _item, i) => plant(ctx, field, acc, [...at, i], tail), body) : body;
  if (getAt(body, [...at, head]) === undefined) return body;
  return plant(ctx, field, body, [...at, head], tail);
}

/** Secret fields no request of the run carried a canary in: the run cannot say they do not leak. */
export function secretFieldsWithoutCanary(ctx: CheckContext, exchanges: readonly Exchange[]): SecretField[] {
  const values = ctx.canaries.planted.map((c) => c.value);
  return secretFields(ctx.spec).filter((field) =>
    !exchanges.some((exchange) => {
      if (exchange.operationId !== field.operationId || exchange.request.body === undefined) return false;
      const inField = JSON.stringify(valuesAt(parse(exchange.request.body), field.path));
      return values.some((value) => inField.includes(value));
    }),
  );
}

function valuesAt(node: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [node];
  const [head, ...tail] = path as [string, ...string[]];
  if (!node || typeof node !== "object") return [];
  const children = head === "*" || head === "[]" ? Object.values(node) : [(node as Record<string, unknown>)[head]];
  return children.flatMap((child) => valuesAt(child, tail));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
