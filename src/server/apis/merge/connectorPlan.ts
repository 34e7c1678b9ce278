import type { components } from "../../../generated/merge.js";
import type { CatalogueConnector } from "./catalogue.js";

export type AuthScope = components["schemas"]["AuthScope"];

/** A connector's place in a tool pack: its scope and the names of the tools enabled on it. */
export type PackConnectorState = { slug: string; authScope: AuthScope; toolNames: string[] };

/** One resolved item of a write call: a catalogue connector, and what the caller said about it. */
export type ConnectorChange = { connector: CatalogueConnector; authScope?: AuthScope; toolNames?: string[] };

/**
 * `replace`: the request is the whole new list (M2, M4's `connectors`, M7).
 * `merge`: only the named connectors change (M8).
 */
export type ConnectorWriteMode = "replace" | "merge";

/** What to write: connectors to insert or update (in request order), and slugs to detach. */
export type ConnectorPlan = { upserts: PackConnectorState[]; removals: string[] };

const DEFAULT_AUTH_SCOPE: AuthScope = "INDIVIDUAL";

/**
 * The rules of the contract's `ToolPackConnectorInput.tool_names` and `auth_scope`, as one pure
 * function:
 * - `tool_names: []` detaches the connector (or, when it is not in the pack, changes nothing);
 * - `tool_names` omitted enables every tool, except in `merge` on a connector already in the pack,
 *   whose tools stay as they are (seed 002; the vendor contradicts itself, the spec says why);
 * - `auth_scope` omitted is INDIVIDUAL for a connector new to the pack, and keeps the scope of one
 *   already in it, in every mode [ours].
 * In `replace`, every connector the request does not keep is detached.
 */
export function planConnectorChanges(current: readonly PackConnectorState[], changes: readonly ConnectorChange[], mode: ConnectorWriteMode): ConnectorPlan {
  const existing = new Map(current.map((c) => [c.slug, c]));
  const upserts: PackConnectorState[] = [];
  const removals: string[] = [];
  for (const { connector, authScope, toolNames } of changes) {
    const before = existing.get(connector.slug);
    if (toolNames !== undefined && toolNames.length === 0) {
      if (before && mode === "merge") removals.push(connector.slug);
      continue;
    }
    const keepTools = mode === "merge" && before !== undefined && toolNames === undefined;
    upserts.push({
      slug: connector.slug,
      authScope: authScope ?? before?.authScope ?? DEFAULT_AUTH_SCOPE,
      toolNames: keepTools ? before.toolNames : (toolNames ?? connector.tools.map((t) => t.name)),
    });
  }
  if (mode === "replace") {
    const kept = new Set(upserts.map((u) => u.slug));
    removals.push(...current.filter((c) => !kept.has(c.slug)).map((c) => c.slug));
  }
  return { upserts, removals };
}
