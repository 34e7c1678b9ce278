import type { CheckContext } from "../context.js";
import type { ApiProfile, DisposableResource, Probe } from "../profile.js";
import { field } from "./flowAssertions.js";
import { mergeFlows } from "./mergeFlows.js";
import { requirePack, sweepRunPacks, workingConnectors, type ConnectorInput } from "./mergeSupport.js";

/**
 * Merge Agent Handler: per-key tool packs, their connectors, and the global connector catalogue.
 * The contract has no secret field (test/contracts/secrets.test.ts), so no canary is planted and
 * secret_non_disclosure is skipped with its reason.
 */
export const mergeProfile: ApiProfile = {
  api: "merge",

  async prepare(ctx) {
    if (ctx.options.readOnly) return readOnlyProbes(ctx);
    // Pushed first, so it runs last: whatever is still named for this run goes.
    ctx.cleanup.push("tool packs named for this run", () => sweepRunPacks(ctx));
    const [connector] = await workingConnectors(ctx, 1);
    // The probes of writes send what the pack already holds, so a faulty server that executes one changes nothing.
    const attached: ConnectorInput[] = [{ slug: connector.slug, tool_names: [connector.tools[0]] }];
    const toolPackId = await requirePack(ctx, "probes", attached);
    // The destructive probes (M5, M9) aim at a pack of their own, which no other check reads.
    const doomedId = await requirePack(ctx, "destructive-probes", attached);
    ownToolPack(ctx, toolPackId, [
      // Each would change nothing if it wrongly succeeded, but the delete: the owner's read afterwards shows it.
      { operationId: "updateToolPack", pathParams: { id: toolPackId }, body: {} },
      { operationId: "replaceToolPackConnectors", pathParams: { tool_pack_id: toolPackId }, body: attached },
      { operationId: "updateToolPackConnectors", pathParams: { tool_pack_id: toolPackId }, body: attached },
      { operationId: "removeToolPackConnector", pathParams: { tool_pack_id: toolPackId, slug: connector.slug } },
      { operationId: "deleteToolPack", pathParams: { id: toolPackId } },
    ]);
    return {
      listToolPacks: { operationId: "listToolPacks" },
      createToolPack: { operationId: "createToolPack", body: { name: ctx.name("negative-probe"), description: "refused by the server, or removed at the end of the run", connectors: attached } },
      getToolPack: { operationId: "getToolPack", pathParams: { id: toolPackId } },
      updateToolPack: { operationId: "updateToolPack", pathParams: { id: toolPackId }, body: { name: ctx.name("probes") } },
      deleteToolPack: { operationId: "deleteToolPack", pathParams: { id: doomedId } },
      listToolPackConnectors: { operationId: "listToolPackConnectors", pathParams: { tool_pack_id: toolPackId } },
      replaceToolPackConnectors: { operationId: "replaceToolPackConnectors", pathParams: { tool_pack_id: toolPackId }, body: attached },
      updateToolPackConnectors: { operationId: "updateToolPackConnectors", pathParams: { tool_pack_id: toolPackId }, body: attached },
      removeToolPackConnector: { operationId: "removeToolPackConnector", pathParams: { tool_pack_id: doomedId, slug: connector.slug } },
      listConnectors: { operationId: "listConnectors" },
      getConnector: { operationId: "getConnector", pathParams: { slug: connector.slug } },
    } satisfies Record<string, Probe>;
  },

  flows: mergeFlows,

  /**
   * Two fresh packs: one read back with M3, one with M6 (a deleted pack's connectors must go with it).
   * A connector removed from a pack (M9) has no read of its own; merge_replace_connectors covers it.
   */
  async disposable(ctx): Promise<DisposableResource[]> {
    const [connector] = await workingConnectors(ctx, 1);
    const packId = await requirePack(ctx, "disposable", []);
    const withConnectorId = await requirePack(ctx, "disposable-with-connector", [{ slug: connector.slug }]);
    return [
      {
        label: "a Merge tool pack",
        read: { operationId: "getToolPack", pathParams: { id: packId } },
        remove: { operationId: "deleteToolPack", pathParams: { id: packId } },
        listedIn: { list: { operationId: "listToolPacks", query: { page_size: "100" } }, id: packId },
      },
      {
        label: "the connectors of a deleted Merge tool pack",
        read: { operationId: "listToolPackConnectors", pathParams: { tool_pack_id: withConnectorId } },
        remove: { operationId: "deleteToolPack", pathParams: { id: withConnectorId } },
      },
    ];
  },
};

/** The pack and its connectors belong to the primary key: another account's key must get 404 for both. */
function ownToolPack(ctx: CheckContext, id: string, writes: Probe[] = []): void {
  ctx.owned.push(
    { label: "a Merge tool pack", id, read: { operationId: "getToolPack", pathParams: { id } }, writes, unchanged: writes.length > 0 },
    { label: "the connectors of a Merge tool pack", read: { operationId: "listToolPackConnectors", pathParams: { tool_pack_id: id } } },
  );
}

/** Read-only: probes for the reads only, aimed at the key's first tool pack and the catalogue's first connector. */
async function readOnlyProbes(ctx: CheckContext): Promise<Record<string, Probe>> {
  const probes: Record<string, Probe> = { listToolPacks: { operationId: "listToolPacks" }, listConnectors: { operationId: "listConnectors" } };
  const packs = await ctx.send({ sentBy: "prepare", operationId: "listToolPacks", query: { page_size: "1" } });
  const toolPackId = field<string>(packs, "results", 0, "id");
  if (packs.status === 200 && typeof toolPackId === "string") {
    probes.getToolPack = { operationId: "getToolPack", pathParams: { id: toolPackId } };
    probes.listToolPackConnectors = { operationId: "listToolPackConnectors", pathParams: { tool_pack_id: toolPackId } };
    // Listed by the primary key, so it is that account's: the cross-key check can run without writing.
    ownToolPack(ctx, toolPackId);
  }
  const catalogue = await ctx.send({ sentBy: "prepare", operationId: "listConnectors", query: { page_size: "1" } });
  const slug = field<string>(catalogue, "results", 0, "slug");
  if (catalogue.status === 200 && typeof slug === "string") probes.getConnector = { operationId: "getConnector", pathParams: { slug } };
  return probes;
}
