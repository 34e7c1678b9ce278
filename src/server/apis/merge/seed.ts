import type { Sql } from "../../db/database.js";
import type { Fixtures } from "../../fixtures.js";
import type { Catalogue } from "./catalogue.js";
import { resolveConnectorInputs, type ConnectorInput } from "./connectorInputs.js";
import type { MergeStore } from "./store.js";

type ToolPackFixture = { id: string; accountId: string; name: string; description: string; connectors: ConnectorInput[] };

/**
 * fixtures/merge/tool_packs.json, through the same path as a create (M2), so a fixture naming an
 * unknown connector or tool fails the start instead of seeding a pack the API could not make.
 */
export async function seedMerge(sql: Sql, fixtures: Fixtures, store: MergeStore, catalogue: Catalogue): Promise<void> {
  const packs = fixtures.read<ToolPackFixture[]>("merge", "tool_packs").map(({ id, accountId, name, description, connectors }) => ({
    id,
    accountId,
    fields: { name, description },
    changes: resolveConnectorInputs(catalogue, connectors, `${fixtures.pathOf("merge", "tool_packs")} ${id}`),
  }));
  await store.createToolPacks(sql, packs);
}
