import type { operations } from "../../../generated/merge.js";
import { batchedWrites, WRITE_BATCHES } from "../../db/batchedWrites.js";
import { notFound } from "../../http/apiError.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, noContent, ok } from "../../http/responses.js";
import type { ApiDeps } from "../apiDeps.js";
import type { Catalogue } from "./catalogue.js";
import type { ConnectorWriteMode } from "./connectorPlan.js";
import { resolveConnectorInputs } from "./connectorInputs.js";
import { pageFor, paginated, requestedPage } from "./paging.js";
import { presentConnectorDetail, presentPackConnectors, presentToolPack } from "./presenters.js";
import { connectorNotInToolPack, type MergeStore, type NewToolPack } from "./store.js";

/** The eleven operations of Merge Agent Handler (M1–M11), by operationId. */
export function mergeHandlers({ database }: Pick<ApiDeps, "database">, store: MergeStore, catalogue: Catalogue): HandlersOf<operations> {
  // Concurrent creates go to the database together, as one statement (atomic without a transaction of its own).
  const createToolPack = batchedWrites((packs: readonly NewToolPack[]) => store.createToolPacks(database, packs), WRITE_BATCHES);
  return {
    listToolPacks: async (request) => {
      const { accountId } = request.account;
      const { limit, offset } = requestedPage(request.query);
      const { count, packs } = await store.listToolPacks(database, accountId, limit, offset);
      const page = pageFor(request.query, count);
      return ok(paginated(request, "/tool-packs/", page, count, packs.map((p) => presentToolPack(p, catalogue))));
    },

    createToolPack: async ({ account, body }) => {
      const changes = resolveConnectorInputs(catalogue, body.connectors ?? [], "body/connectors");
      return created(presentToolPack(await createToolPack({ accountId: account.accountId, fields: body, changes }), catalogue));
    },

    getToolPack: async ({ account, params }) => {
      return ok(presentToolPack(await store.getToolPack(database, account.accountId, params.id), catalogue));
    },

    updateToolPack: async ({ account, params, body }) => {
      const changes = body.connectors && resolveConnectorInputs(catalogue, body.connectors, "body/connectors");
      return database.transaction(async (tx) => {
        await store.lockToolPack(tx, account.accountId, params.id);
        const pack = await store.updateToolPack(tx, account.accountId, params.id, body);
        if (changes) pack.connectors = await store.applyConnectorChanges(tx, account.accountId, pack.id, pack.connectors, changes, "replace");
        return ok(presentToolPack(pack, catalogue));
      });
    },

    deleteToolPack: async ({ account, params }) => {
      await store.deleteToolPack(database, account.accountId, params.id);
      return noContent();
    },

    listToolPackConnectors: async ({ account, params }) => {
      const pack = await store.getToolPack(database, account.accountId, params.tool_pack_id);
      return ok(presentPackConnectors(pack.connectors, catalogue));
    },

    replaceToolPackConnectors: ({ account, params, body }) => writeConnectors(account.accountId, params.tool_pack_id, body, "replace"),

    updateToolPackConnectors: ({ account, params, body }) => writeConnectors(account.accountId, params.tool_pack_id, body, "merge"),

    removeToolPackConnector: async ({ account, params }) => {
      await database.transaction(async (tx) => {
        await store.lockToolPack(tx, account.accountId, params.tool_pack_id);
        if (!(await store.removeConnector(tx, params.tool_pack_id, params.slug))) throw connectorNotInToolPack(params.slug);
      });
      return noContent();
    },

    listConnectors: async (request) => {
      const page = pageFor(request.query, catalogue.connectors.length);
      const results = catalogue.connectors.slice(page.offset, page.offset + page.limit).map(presentConnectorDetail);
      return ok(paginated(request, "/connectors/", page, catalogue.connectors.length, results));
    },

    getConnector: async ({ params }) => {
      const connector = catalogue.findBySlug(params.slug);
      if (!connector) throw notFound("Connector not found.");
      return ok(presentConnectorDetail(connector));
    },
  };

  /** M7 (replace) and M8 (merge): under the pack's row lock, so concurrent writes lose nothing. */
  async function writeConnectors(accountId: string, toolPackId: string, body: Parameters<typeof resolveConnectorInputs>[1], mode: ConnectorWriteMode) {
    const changes = resolveConnectorInputs(catalogue, body, "body");
    return database.transaction(async (tx) => {
      await store.lockToolPack(tx, accountId, toolPackId);
      const current = await store.connectorsOf(tx, toolPackId);
      return ok(presentPackConnectors(await store.applyConnectorChanges(tx, accountId, toolPackId, current, changes, mode), catalogue));
    });
  }
}
