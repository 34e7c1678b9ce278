import { SECRET_MASK } from "../../secrets/mask.js";
import type { ConnectorRow } from "./store.js";

/** A connector as the contract shows it: header names with masked values, never the values. */
export function presentConnector(row: ConnectorRow) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    baseUrl: row.base_url,
    ...(row.header_names.length > 0 ? { headers: Object.fromEntries(row.header_names.map((name) => [name, SECRET_MASK])) } : {}),
    ...(row.config ? { config: row.config } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
