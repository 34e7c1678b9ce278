import type { operations } from "../../../generated/merge.js";
import { notFound } from "../../http/apiError.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { created, noContent, ok } from "../../http/responses.js";
import type { ApiDeps } from "../apiDeps.js";
import type { Catalogue } from "./catalogue.js";
import { resolveConnectorInputs } from "./connectorInputs.js";
import { pageFor, paginated } from "./paging.js";
import { presentConnectorDetail, presentPackConnectors, presentToolPack } from "./presenters.js";
import { connectorNotInToolPack, type MergeStore } from "./store.js";

/** The eleven operations of Merge Agent Handler (M1–M11), by operationId. */
export function mergeHandlers({ database }: Pick<ApiDeps, "database">, store: MergeStore, catalogue: Catalogue): HandlersOf<operations> {
  return {
    listToolPacks: async (request) => {
      const { accountId } = request.account;
      const count = await store.countToolPacks(database, accountId);
      const page = pageFor(request.query, count);
      const packs = await store.listToolPacks(database, accountId, page.limit, page.offset);
      const connectors = await store.connectorsOf(database, packs.map((p) => p.id));
      return ok(paginated(request, "/tool-packs/", page, count, packs.map((p) => presentToolPack(p, connectors, catalogue))));
    },

    createToolPack: async ({ account, body }) => {
      const changes = resolveConnectorInputs(catalogue, body.connectors ?? [], "body/connectors");
      return database.transaction(async (tx) => {
        const pack = await store.createToolPack(tx, account.accountId, body);
        const connectors = await store.applyConnectorChanges(tx, account.accountId, pack.id, changes, "replace");
        return created(presentToolPack(pack, connectors, catalogue));
      });
    },

    getToolPack: async ({ account, params }) => {
      const pack = await store.getToolPack(database, account.accountId, params.id);
      return ok(presentToolPack(pack, await store.connectorsOf(database, [pack.id]), catalogue));
    },

    updateToolPack: async ({ account, params, body }) => {
      const changes = body.connectors && resolveConnectorInputs(catalogue, body.connectors, "body/connectors");
      return database.transaction(async (tx) => {
        await store.lockToolPack(tx, account.accountId, params.id);
        const pack = await store.updateToolPack(tx, account.accountId, params.id, body);
        const connectors = changes
          ? await store.applyConnectorChanges(tx, account.accountId, pack.id, changes, "replace")
          : await store.connectorsOf(tx, [pack.id]);
        return ok(presentToolPack(pack, connectors, catalogue));
      });
    },

    deleteToolPack: async ({ account, params }) => {
      await store.deleteToolPack(database, account.accountId, params.id);
      return noContent();
    },

    listToolPackConnectors: async ({ account, params }) => {
      const pack = await store.getToolPack(database, account.accountId, params.tool_pack_id);
      return ok(presentPackConnectors(await store.connectorsOf(database, [pack.id]), catalogue));
    },

    replaceToolPackConnectors: async ({ account, params, body }) => {
      const changes = resolveConnectorInputs(catalogue, body, "body");
      return database.transaction(async (tx) => {
        await store.lockToolPack(tx, account.accountId, params.tool_pack_id);
        const connectors = await store.applyConnectorChanges(tx, account.accountId, params.tool_pack_id, changes, "replace");
        return ok(presentPackConnectors(connectors, catalogue));
      });
    },

    updateToolPackConnectors: async ({ account, params, body }) => {
      const changes = resolveConnectorInputs(catalogue, body, "body");
      return database.transaction(async (tx) => {
        await store.lockToolPack(tx, account.accountId, params.tool_pack_id);
        const connectors = await store.applyConnectorChanges(tx, account.accountId, params.tool_pack_id, changes, "merge");
        return ok(presentPackConnectors(connectors, catalogue));
      });
    },

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
}
