import type { operations } from "../../../generated/wexa.js";
import type { HandlersOf } from "../../http/apiModule.js";
import type { ApiDeps } from "../apiDeps.js";
import { connectorHandlers } from "./connectorHandlers.js";
import { executionHandlers } from "./executionHandlers.js";
import type { ExecutionStore } from "./executionStore.js";
import type { WexaStore } from "./store.js";

/** The thirteen operations of Wexa (W1–W13), by operationId. */
export function wexaHandlers(deps: ApiDeps, store: WexaStore, executions: ExecutionStore): HandlersOf<operations> {
  return { ...connectorHandlers(deps, store), ...executionHandlers(deps, store, executions) };
}
