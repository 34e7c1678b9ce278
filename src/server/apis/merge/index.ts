import { asHandlerTable, type ApiModule } from "../../http/apiModule.js";
import type { ApiDeps } from "../apiDeps.js";
import { Catalogue } from "./catalogue.js";
import { describeMergeAuthFailure, describeMergeValidation, mergeErrorBody } from "./errors.js";
import { mergeHandlers } from "./handlers.js";
import { seedMerge } from "./seed.js";
import { MergeStore } from "./store.js";

/** Merge Agent Handler: per-key tool packs, their connectors, and the global connector catalogue. */
export function createMergeApi(deps: ApiDeps): ApiModule {
  const store = new MergeStore();
  const catalogue = Catalogue.fromFixture(deps.fixtures);
  return {
    api: "merge",
    handlers: asHandlerTable(mergeHandlers(deps, store, catalogue)),
    errorBody: mergeErrorBody,
    describeValidationError: describeMergeValidation,
    describeAuthFailure: describeMergeAuthFailure,
    cacheableReads: ["listToolPacks", "getToolPack", "listToolPackConnectors", "listConnectors", "getConnector"],
    devKeys: deps.fixtures.devKeys("merge"),
    tables: ["merge_tool_pack_connectors", "merge_tool_packs"],
    seed: (sql) => seedMerge(sql, deps.fixtures, store, catalogue),
  };
}
