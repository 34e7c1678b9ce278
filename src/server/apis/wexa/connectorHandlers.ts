import type { operations } from "../../../generated/wexa.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { ok } from "../../http/responses.js";
import type { ApiDeps } from "../apiDeps.js";
import { requireSame } from "./errors.js";
import { presentConnector, presentTriggerAction } from "./presenters.js";
import type { WexaStore } from "./store.js";
import { triggersOf } from "./triggerCatalogue.js";

type ConnectorOperations = "listProjectConnectors" | "getConnector" | "deleteConnector" | "changeConnectorStatus" | "listTriggerActions";

/** W1–W5: a project's connectors. */
export function connectorHandlers({ database }: ApiDeps, store: WexaStore): Pick<HandlersOf<operations>, ConnectorOperations> {
  return {
    listProjectConnectors: async ({ account, params }) => {
      await store.requireProject(database, account.accountId, params.projectID);
      return ok((await store.listConnectors(database, account.accountId, params.projectID)).map(presentConnector));
    },

    getConnector: async ({ account, params }) => ok(presentConnector(await store.getConnector(database, account.accountId, params.connector_id))),

    deleteConnector: async ({ account, params, query }) => {
      await database.transaction((tx) => store.deleteConnector(tx, account.accountId, query.projectID, params.connector_id));
      return ok({ status: "success", message: `Deleted connector ${params.connector_id}` });
    },

    changeConnectorStatus: async ({ account, body }) => {
      const { auth, source, batch_size } = body.data_loader_config;
      await database.transaction(async (tx) => {
        const current = await store.getConnector(tx, account.accountId, body.connectorID, true);
        await store.changeStatus(tx, current, { status: body.new_status, config: { source, batch_size }, auth });
      });
      // The seed's answer, word for word (seed 000).
      return ok({ status: "success", message: `Updated connector status to ${body.new_status} for connectorID ${body.connectorID}` });
    },

    listTriggerActions: async ({ account, params, query }) => {
      requireSame("query/projectID", query.projectID, params.projectID, "path.projectID");
      await store.requireProject(database, account.accountId, params.projectID);
      // "Available" read strictly (the contract): only active connectors offer their triggers.
      const active = await store.listConnectors(database, account.accountId, params.projectID, "active");
      return ok(active.flatMap((connector) => triggersOf(connector.category).map((trigger) => presentTriggerAction(connector, trigger))));
    },
  };
}
