import { asHandlerTable, type ApiModule } from "../../http/apiModule.js";
import type { ApiDeps } from "../apiDeps.js";
import { provisionWexaAccount } from "./accountProvisioning.js";
import { describeWexaValidation, wexaErrorBody } from "./errors.js";
import { advanceExecutions } from "./executionClock.js";
import { executionScenarios } from "./executionScenarios.js";
import { ExecutionStore } from "./executionStore.js";
import { wexaHandlers } from "./handlers.js";
import { seedWexa } from "./seed.js";
import { WexaStore } from "./store.js";

/** Wexa AI: a project's connectors and the executions of its agentflows, per account (x-api-key). */
export function createWexaApi(deps: ApiDeps): ApiModule {
  const store = new WexaStore(deps.vault);
  const executions = new ExecutionStore();
  return {
    api: "wexa",
    handlers: asHandlerTable(wexaHandlers(deps, store, executions)),
    errorBody: wexaErrorBody,
    describeValidationError: describeWexaValidation,
    describeAuthFailure: (failure) => (failure === "missing" ? "Missing x-api-key header" : "Invalid API key"),
    // Not the execution reads: they bring a due execution up to date as they read it.
    cacheableReads: ["listProjectConnectors", "getConnector", "listTriggerActions"],
    devKeys: deps.fixtures.devKeys("wexa"),
    tables: ["wexa_executions", "wexa_connectors", "wexa_agentflows", "wexa_projects"],
    seed: (sql) => seedWexa(sql, deps.fixtures, store, executions, deps.clock.now()),
    advance: (now) => advanceExecutions(deps.database, executions, now),
    provisionAccount: (sql, accountId) => provisionWexaAccount(sql, store, accountId),
    scenario: executionScenarios(deps.database, executions, deps.clock, deps.config.simulationStepMs),
  };
}
