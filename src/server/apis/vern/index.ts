import { asHandlerTable, type ApiModule } from "../../http/apiModule.js";
import type { ApiDeps } from "../apiDeps.js";
import { VernCatalog } from "./catalog.js";
import { ConnectionStore } from "./connectionStore.js";
import type { VernContext } from "./context.js";
import { describeVernValidation, vernErrorBody } from "./errors.js";
import { vernHandlers } from "./handlers.js";
import { MigrationStore } from "./migrationStore.js";
import { runScenarios } from "./runScenarios.js";
import { createRunSimulation } from "./runSimulation.js";
import { RunStore } from "./runStore.js";
import { seedVern } from "./seed.js";

/** Vern: migrations, their live API source connection, and runs of a simulated managed agent. */
export function createVernApi(deps: ApiDeps): ApiModule {
  const context: VernContext = {
    database: deps.database,
    catalog: VernCatalog.fromFixtures(deps.fixtures),
    migrations: new MigrationStore(),
    connections: new ConnectionStore(deps.vault),
    runs: new RunStore(),
    stepMs: deps.config.simulationStepMs,
    clock: deps.clock,
  };
  return {
    api: "vern",
    handlers: asHandlerTable(vernHandlers(context)),
    errorBody: vernErrorBody,
    describeValidationError: describeVernValidation,
    // The docs: 401 "API key missing or invalid"; the contract's example says "Invalid API key".
    describeAuthFailure: (failure) => (failure === "missing" ? "API key missing" : "Invalid API key"),
    // getRun changes only when the simulation advances it, which clears the cache.
    cacheableReads: ["listSources", "listTemplates", "getTemplate", "getSourceConnection", "getRun"],
    devKeys: deps.fixtures.devKeys("vern"),
    tables: ["vern_runs", "vern_source_connections", "vern_migrations"],
    seed: (sql) => seedVern(sql, deps.fixtures, context),
    advance: createRunSimulation(context),
    scenario: runScenarios(context),
  };
}
