import type { operations } from "../../../generated/vern.js";
import type { HandlersOf } from "../../http/apiModule.js";
import { connectionHandlers } from "./connectionHandlers.js";
import type { VernContext } from "./context.js";
import { migrationHandlers } from "./migrationHandlers.js";
import { runHandlers } from "./runHandlers.js";

/** The twelve operations of Vern (V1–V12), by operationId. */
export function vernHandlers(context: VernContext): HandlersOf<operations> {
  return { ...migrationHandlers(context), ...connectionHandlers(context), ...runHandlers(context) };
}
