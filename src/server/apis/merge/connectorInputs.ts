import type { components } from "../../../generated/merge.js";
import { badRequest, type FieldProblem } from "../../http/apiError.js";
import type { Catalogue, CatalogueConnector } from "./catalogue.js";
import type { ConnectorChange } from "./connectorPlan.js";

export type ConnectorInput = components["schemas"]["ToolPackConnectorInput"];

type ProblemKind = "unknownConnector" | "unknownTool" | "duplicate" | "missingIdentifier";

/** The contract's `detail` for each kind of 400 (the BadRequest examples). */
const DETAIL: Record<ProblemKind, string> = {
  unknownConnector: "Unknown connector.",
  unknownTool: "Unknown tool name.",
  duplicate: "A connector appears more than once.",
  missingIdentifier: "Each connector needs a slug or a connector_id.",
};
export const INVALID_BODY_DETAIL = "The request body is invalid.";
export const MISSING_IDENTIFIER_MESSAGE = "Give slug (or the deprecated connector_id).";
export const MISSING_IDENTIFIER_DETAIL = DETAIL.missingIdentifier;

/**
 * Resolves the connector items of a write call (M2, M4, M7, M8) against the catalogue, or throws
 * one 400 listing every problem. `at` is where the list sits in the body, in the router's pointer
 * style (`body` or `body/connectors`); the error body turns the paths into the contract's.
 *
 * A connector is named by `slug`, or else by the deprecated `connector_id`; when both are given
 * the slug wins and the id is not looked up (seed 002). Tool names come back de-duplicated, in
 * catalogue order.
 */
export function resolveConnectorInputs(catalogue: Catalogue, items: readonly ConnectorInput[], at: string): ConnectorChange[] {
  const problems: Array<FieldProblem & { kind: ProblemKind }> = [];
  const namedBy = new Map<string, number>();
  const changes: ConnectorChange[] = [];
  items.forEach((item, index) => {
    const path = `${at}/${index}`;
    const identifier = item.slug !== undefined ? "slug" : item.connector_id !== undefined ? "connector_id" : undefined;
    if (!identifier) return void problems.push({ kind: "missingIdentifier", field: path, message: MISSING_IDENTIFIER_MESSAGE });
    const connector = identifier === "slug" ? catalogue.findBySlug(item.slug!) : catalogue.findById(item.connector_id!);
    if (!connector) {
      const message = identifier === "slug" ? `No connector has the slug "${item.slug}".` : `No connector has the id "${item.connector_id}".`;
      return void problems.push({ kind: "unknownConnector", field: `${path}/${identifier}`, message });
    }
    const earlier = namedBy.get(connector.slug);
    if (earlier !== undefined) {
      const message = `The connector "${connector.slug}" is already named by item ${earlier}.`;
      return void problems.push({ kind: "duplicate", field: `${path}/${identifier}`, message });
    }
    namedBy.set(connector.slug, index);
    const unknownTools = unknownToolProblems(connector, item.tool_names ?? [], `${path}/tool_names`);
    if (unknownTools.length > 0) return void problems.push(...unknownTools);
    changes.push({
      connector,
      ...(item.auth_scope !== undefined ? { authScope: item.auth_scope } : {}),
      ...(item.tool_names !== undefined ? { toolNames: inCatalogueOrder(connector, item.tool_names) } : {}),
    });
  });
  if (problems.length > 0) {
    const kinds = new Set(problems.map((p) => p.kind));
    const detail = kinds.size === 1 ? DETAIL[problems[0]!.kind] : INVALID_BODY_DETAIL;
    throw badRequest(detail, problems.map(({ field, message }) => ({ field, message })));
  }
  return changes;
}

function unknownToolProblems(connector: CatalogueConnector, toolNames: readonly string[], path: string) {
  const known = new Set(connector.tools.map((t) => t.name));
  return toolNames.flatMap((name, index) =>
    known.has(name)
      ? []
      : [{ kind: "unknownTool" as const, field: `${path}/${index}`, message: `The connector "${connector.slug}" has no tool named "${name}".` }],
  );
}

function inCatalogueOrder(connector: CatalogueConnector, toolNames: readonly string[]): string[] {
  const wanted = new Set(toolNames);
  return connector.tools.map((t) => t.name).filter((name) => wanted.has(name));
}
