import type { OperationSpec } from "../contracts/operationTable.js";
import type { Exchange } from "./types.js";

/**
 * What a creating operation makes, read from the contract alone: a POST or PUT on a collection
 * path P whose items live at P/{param} (e.g. POST /migrations, GET /migrations/{migration_id}/…).
 * Its answer carries the new item's id; the item can be removed when the contract has a DELETE
 * on P/{param}, else the API has no delete for it (Vern migrations, Wexa executions).
 */
export type CreatingOperation = { operation: OperationSpec; idParam: string; remove?: OperationSpec };

/** A resource one answer of the run created, and how to remove it (when the API can). */
export type CreatedResource = {
  id: string;
  createdBy: string;
  /** The name or goal the request gave it, to recognise it by. */
  name?: string;
  remove?: { operationId: string; pathParams: Record<string, string> };
};

const trimSlash = (path: string) => path.replace(/\/+$/, "");

export function creatingOperations(operations: readonly OperationSpec[]): Map<string, CreatingOperation> {
  const out = new Map<string, CreatingOperation>();
  for (const operation of operations) {
    if (operation.method !== "post" && operation.method !== "put") continue;
    const collection = trimSlash(operation.path);
    const itemParam = (other: OperationSpec) => new RegExp(`^${escape(collection)}/\\{([^}]+)\\}(/|$)`).exec(other.path)?.[1];
    const items = operations.filter((other) => itemParam(other) !== undefined);
    if (items.length === 0) continue;
    const isItem = (other: OperationSpec) => trimSlash(other.path) === `${collection}/{${itemParam(other)}}`;
    const remove = items.find((other) => other.method === "delete" && isItem(other));
    // The item path itself names the id (Wexa's /execute_flow/{execution_id}, not /execute_flow/{agentflow_id}/monitor).
    out.set(operation.operationId, { operation, idParam: itemParam(remove ?? items.find(isItem) ?? items[0]!)!, remove });
  }
  return out;
}

/** The resource a 2xx answer of a creating operation made, or undefined (not a creation, or no id in the answer). */
export function createdResourceOf(creating: CreatingOperation, exchange: Exchange, basePath: string): CreatedResource | undefined {
  if (exchange.response.status < 200 || exchange.response.status > 299) return undefined;
  const answer = parse(exchange.response.body);
  const id = idIn(answer, creating.idParam);
  if (id === undefined) return undefined;
  const sent = parse(exchange.request.body ?? "") as Record<string, unknown> | undefined;
  const named = [sent?.name, sent?.goal].find((v) => typeof v === "string") as string | undefined;
  const resource: CreatedResource = { id, createdBy: creating.operation.operationId, name: named };
  if (creating.remove) {
    const parents = paramsOf(creating.operation.path, new URL(exchange.request.url).pathname.slice(basePath.length));
    resource.remove = { operationId: creating.remove.operationId, pathParams: { ...parents, [creating.idParam]: id } };
  }
  return resource;
}

/** The id as the answer names it: the item path's parameter, `id` or `_id`, at the top or one object down (Vern's `{migration: {id}}`). */
function idIn(answer: unknown, idParam: string): string | undefined {
  const pick = (node: unknown) => {
    if (!node || typeof node !== "object" || Array.isArray(node)) return undefined;
    const record = node as Record<string, unknown>;
    const value = [record[idParam], record.id, record._id].find((v) => typeof v === "string" || typeof v === "number");
    return value === undefined ? undefined : String(value);
  };
  // A list (Merge's PUT of a pack's connectors) is not one new resource.
  if (Array.isArray(answer)) return undefined;
  const top = pick(answer);
  if (top !== undefined || !answer || typeof answer !== "object") return top;
  for (const nested of Object.values(answer as Record<string, unknown>)) {
    const found = pick(nested);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The values of a template's parameters in a concrete path (both relative to the base URL). */
function paramsOf(template: string, path: string): Record<string, string> {
  const names: string[] = [];
  const pattern = new RegExp(`^${escape(trimSlash(template)).replace(/\\\{([^}]+)\\\}/g, (_m, name: string) => (names.push(name), "([^/]+)"))}/?$`);
  const match = pattern.exec(path);
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match?.[i + 1] ?? "")]));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
