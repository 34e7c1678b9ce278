import type { ApiName } from "../../contracts/apiNames.js";
import type { ApiModule } from "../http/apiModule.js";
import type { ApiDeps } from "./apiDeps.js";
import { createWexaApi } from "./wexa/index.js";
import { createMergeApi } from "./merge/index.js";
import { createVernApi } from "./vern/index.js";
import { createEvalstudioApi } from "./evalstudio/index.js";

/** Each API's module factory; the order is the order of the banner and of /__admin. */
const FACTORIES: Partial<Record<ApiName, (deps: ApiDeps) => ApiModule>> = {
  wexa: createWexaApi,
  merge: createMergeApi,
  vern: createVernApi,
  evalstudio: createEvalstudioApi,
};

/** The modules the configuration asks for: all four, or the one served alone. */
export function createApiModules(deps: ApiDeps): ApiModule[] {
  return Object.entries(FACTORIES)
    .filter(([api]) => deps.config.onlyApi === undefined || deps.config.onlyApi === api)
    .map(([, factory]) => factory!(deps));
}
