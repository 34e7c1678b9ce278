import type { components } from "../../../generated/merge.js";
import type { Catalogue, CatalogueConnector } from "./catalogue.js";
import type { PackConnectorRow, ToolPackRow } from "./store.js";

type Schemas = components["schemas"];

/**
 * A tool pack's connector (`Connector`): the catalogue's facts, the pack's scope, and only the
 * enabled tools, in catalogue order [ours]. A row whose slug the catalogue no longer has (the
 * fixture changed under a persistent database) is left out rather than answered half-made.
 */
function presentPackConnector(row: PackConnectorRow, catalogue: Catalogue): Schemas["Connector"] | undefined {
  const connector = catalogue.findBySlug(row.slug);
  if (!connector) return undefined;
  const enabled = new Set(row.enabled_tools);
  return {
    slug: connector.slug,
    name: connector.name,
    source_url: connector.source_url,
    logo_url: connector.logo_url,
    categories: connector.categories ?? [],
    auth_scope: row.auth_scope,
    tools: connector.tools
      .filter((t) => enabled.has(t.name))
      .map(({ name, description, input_schema, credit_type }) => ({ name, description, input_schema, credit_type })),
    connector_id: connector.id,
  };
}

export function presentPackConnectors(rows: readonly PackConnectorRow[], catalogue: Catalogue): Schemas["Connector"][] {
  return rows.flatMap((row) => presentPackConnector(row, catalogue) ?? []);
}

/** `ToolPack`. */
export function presentToolPack(pack: ToolPackRow, catalogue: Catalogue): Schemas["ToolPack"] {
  return { id: pack.id, name: pack.name, description: pack.description, connectors: presentPackConnectors(pack.connectors, catalogue) };
}

/** `ConnectorDetail`: the catalogue's shape, whose tools carry no input schema (M10, M11). */
export function presentConnectorDetail(connector: CatalogueConnector): Schemas["ConnectorDetail"] {
  return {
    id: connector.id,
    name: connector.name,
    slug: connector.slug,
    description: connector.description,
    source_url: connector.source_url,
    logo_url: connector.logo_url,
    categories: connector.categories,
    auth_options: connector.auth_options,
    tools: connector.tools.map(({ name, description, credit_type }) => ({ name, description, credit_type })),
  };
}
