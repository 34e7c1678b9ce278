import type { ApiName } from "../contracts/apiNames.js";
import { CheckContext, NAME_PREFIX } from "./context.js";
import { creatingOperations } from "./createdResources.js";
import { DEFAULT_OPTIONS } from "./options.js";
import { CLEANUP_SENDER } from "./transport.js";

export type LeftoverInput = {
  api: ApiName;
  baseUrl: string;
  primaryKey?: string;
  /** Only what this run made (its names start with cc-conformance-<run id>-); every run's otherwise. */
  runId?: string;
  headers?: Readonly<Record<string, string>>;
  requestsPerSecond?: number;
  fetch?: typeof fetch;
};

export type LeftoverReport = { removed: string[]; failed: string[]; cannot: string[] };

/** Pages a list is followed for, at most (a safety cap against a `next` link that never ends). */
const MAX_PAGES = 50;

/**
 * Removes what earlier runs left, where the API allows: for every collection the contract lets the
 * suite create in, list it and delete each item whose name starts with the run's prefix. Nothing
 * without that name is ever deleted; what cannot be listed or deleted is said, per collection.
 */
export async function removeLeftovers(input: LeftoverInput): Promise<LeftoverReport> {
  const ctx = new CheckContext({
    ...DEFAULT_OPTIONS, seed: 0, api: input.api, baseUrl: input.baseUrl, primaryKey: input.primaryKey, headers: input.headers,
    requestsPerSecond: input.requestsPerSecond ?? DEFAULT_OPTIONS.requestsPerSecond, ...(input.fetch ? { fetch: input.fetch } : {}), onProgress: () => undefined,
  });
  const prefix = `${NAME_PREFIX}${input.runId ? `${input.runId}-` : ""}`;
  const out: LeftoverReport = { removed: [], failed: [], cannot: [] };
  for (const { operation, idParam, remove } of creatingOperations(ctx.operations).values()) {
    if (!remove) {
      out.cannot.push(`${input.api} has no delete for what ${operation.operationId} makes (${operation.method.toUpperCase()} ${operation.path}): each run's report lists their ids`);
      continue;
    }
    const list = ctx.operations.find((o) => o.method === "get" && o.path.replace(/\/+$/, "") === operation.path.replace(/\/+$/, ""));
    if (!list || list.parameters.some((p) => p.in === "path" || (p.in === "query" && p.required))) {
      out.cannot.push(`what ${operation.operationId} makes cannot be listed on its own (${operation.path}): it goes with the resource it belongs to`);
      continue;
    }
    let query: Record<string, string> | undefined = {};
    const doomed: Array<{ id: string; name: string }> = [];
    for (let page = 0; query && page < MAX_PAGES; page++) {
      const answer = await ctx.send({ sentBy: CLEANUP_SENDER, operationId: list.operationId, query });
      if (answer.status !== 200) {
        out.failed.push(`${list.operationId} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        break;
      }
      for (const item of itemsOf(answer.json)) {
        const id = [item[idParam], item.id, item._id].find((v) => typeof v === "string" || typeof v === "number");
        if (typeof item.name === "string" && item.name.startsWith(prefix) && id !== undefined) doomed.push({ id: String(id), name: item.name });
      }
      query = nextQuery(answer.json);
    }
    for (const { id, name } of doomed) {
      const answer = await ctx.send({ sentBy: CLEANUP_SENDER, operationId: remove.operationId, pathParams: { [idParam]: id } });
      const label = `${id} "${name}" (${remove.operationId})`;
      if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) out.removed.push(label);
      else out.failed.push(`${label}: answered ${answer.status}`);
    }
  }
  ctx.transport.close();
  const r = (list: string[]) => list.map((text) => ctx.redactor.redact(text));
  return { removed: r(out.removed), failed: r(out.failed), cannot: r(out.cannot) };
}

/** The items of a list answer: the answer itself, or its first array (Merge's `results`). */
function itemsOf(json: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(json) ? json : json && typeof json === "object" ? Object.values(json).find(Array.isArray) : undefined;
  return (list ?? []).filter((item): item is Record<string, unknown> => Boolean(item) && typeof item === "object");
}

/** The query of a `next` link (Merge's pages), or undefined at the last page. */
function nextQuery(json: unknown): Record<string, string> | undefined {
  const next = json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>).next : undefined;
  if (typeof next !== "string") return undefined;
  try {
    return Object.fromEntries(new URL(next).searchParams);
  } catch {
    return undefined;
  }
}
