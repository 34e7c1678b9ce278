import { asHandlerTable, type ApiModule } from "../../http/apiModule.js";
import type { ApiDeps } from "../apiDeps.js";
import { describeEvalstudioValidation, evalstudioErrorBody } from "./errors.js";
import { evalstudioHandlers } from "./handlers.js";
import { seedEvalstudio } from "./seed.js";
import { EvalstudioStore } from "./store.js";

/** EvalStudio: projects and LangGraph connectors; no authentication, as the vendor's server. */
export function createEvalstudioApi(deps: ApiDeps): ApiModule {
  const store = new EvalstudioStore(deps.vault);
  return {
    api: "evalstudio",
    handlers: asHandlerTable(evalstudioHandlers(deps, store)),
    errorBody: evalstudioErrorBody,
    describeValidationError: describeEvalstudioValidation,
    // Not getStatus: its answer carries the time.
    cacheableReads: ["listProjects", "listConnectors", "listConnectorTypes", "getConnector"],
    devKeys: [],
    tables: ["evalstudio_connectors", "evalstudio_projects"],
    seed: (sql) => seedEvalstudio(sql, deps.fixtures, store),
  };
}
